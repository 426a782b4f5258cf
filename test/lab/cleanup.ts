import type Docker from 'dockerode';
import { labDocker } from './engine.js';
import { LAB_LABEL, RUN_ID } from './names.js';

/** Creates and starts a container labelled with this run, so cleanupLab() removes it. */
export async function runContainer(
  name: string,
  image: string,
  options: Partial<Docker.ContainerCreateOptions> = {},
): Promise<Docker.Container> {
  const container = await labDocker().createContainer({
    ...options,
    name,
    Image: image,
    Labels: { ...options.Labels, [LAB_LABEL]: RUN_ID },
  });
  await container.start();
  return container;
}

const RUN_FILTER = JSON.stringify({ label: [`${LAB_LABEL}=${RUN_ID}`] });

/** 404 (already gone) and 409 (removal already in progress) mean someone else got there first. */
function isGone(error: unknown): boolean {
  const status = (error as { statusCode?: number }).statusCode;
  return status === 404 || status === 409;
}

async function removeAll(
  kind: string,
  names: string[],
  remove: (name: string) => Promise<unknown>,
): Promise<string[]> {
  const results = await Promise.allSettled(names.map(remove));
  return results.flatMap((result, index) =>
    result.status === 'rejected' && !isGone(result.reason)
      ? [`${kind} ${names[index]}: ${String(result.reason)}`]
      : [],
  );
}

/** Image repository without its registry host: `127.0.0.1:5000/tw-app-x:1` → `tw-app-x`. */
function repositoryPath(tag: string): string {
  const withoutTag = tag.replace(/:[^/:]*$/, '');
  const first = withoutTag.split('/')[0] ?? '';
  const hasRegistry =
    withoutTag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasRegistry ? withoutTag.slice(first.length + 1) : withoutTag;
}

/** Swarm services (only when the engine is a swarm manager): they would recreate their tasks. */
async function serviceIds(docker: Docker, prefix?: string): Promise<string[]> {
  try {
    const services = await docker.listServices();
    return services
      .filter((service) => {
        const spec = service.Spec;
        return (
          spec?.Labels?.[LAB_LABEL] === RUN_ID ||
          (prefix !== undefined && spec?.Name?.startsWith(prefix) === true)
        );
      })
      .map((service) => service.ID);
  } catch {
    return []; // not a swarm manager: no services to remove
  }
}

/**
 * Removes, by force, everything labelled `LAB_LABEL=<this run>` (or named with `prefix`):
 * services, then containers (with their anonymous volumes), networks, volumes and images, in the
 * order that frees each one's users first. Never touches other runs. Throws if anything is left.
 */
export async function cleanupLab(prefix?: string): Promise<void> {
  const docker = labDocker();
  const named = (name: string | undefined): boolean =>
    prefix !== undefined && name?.startsWith(prefix) === true;
  const errors: string[] = [];

  errors.push(
    ...(await removeAll('service', await serviceIds(docker, prefix), (id) => docker.getService(id).remove())),
  );

  const containers = await docker.listContainers({ all: true });
  const containerIds = containers
    .filter((c) => c.Labels?.[LAB_LABEL] === RUN_ID || c.Names.some((name) => named(name.replace(/^\//, ''))))
    .map((c) => c.Id);
  errors.push(
    ...(await removeAll('container', containerIds, (id) =>
      docker.getContainer(id).remove({ force: true, v: true }),
    )),
  );

  const networks = await docker.listNetworks();
  const networkIds = networks
    .filter((n) => n.Labels?.[LAB_LABEL] === RUN_ID || named(n.Name))
    .map((n) => n.Id);
  errors.push(...(await removeAll('network', networkIds, (id) => docker.getNetwork(id).remove())));

  const { Volumes: volumes = [] } = await docker.listVolumes();
  const volumeNames = volumes
    .filter((v) => v.Labels?.[LAB_LABEL] === RUN_ID || named(v.Name))
    .map((v) => v.Name);
  errors.push(
    ...(await removeAll('volume', volumeNames, (name) => docker.getVolume(name).remove({ force: true }))),
  );

  const labelled = await docker.listImages({ all: true, filters: RUN_FILTER });
  const images = prefix === undefined ? [] : await docker.listImages({ all: true });
  const imageIds = new Set([
    ...labelled.map((image) => image.Id),
    ...images
      .filter((image) => (image.RepoTags ?? []).some((tag) => named(repositoryPath(tag))))
      .map((i) => i.Id),
  ]);
  errors.push(
    ...(await removeAll('image', [...imageIds], (id) =>
      docker.getImage(id).remove({ force: true, noprune: false }),
    )),
  );

  if (errors.length > 0) throw new Error(`cleanupLab left resources behind:\n${errors.join('\n')}`);
}
