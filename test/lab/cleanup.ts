import type Docker from 'dockerode';
import { labDocker } from './engine.js';
import { retryingLostImageName } from './lab-engine.js';
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

/** Which run's resources to remove: given a resource's `LAB_LABEL` value (a run id). */
type RunMatch = (runId: string | undefined) => boolean;
const thisRun: RunMatch = (runId) => runId === RUN_ID;

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

/**
 * Removes a network. Docker 20.10 can keep a stale endpoint after a container was killed or
 * removed in the middle of a connect (the fault suite kills Tidewatch at every step): the network
 * then "has active endpoints" with no container attached, and only an engine restart clears it.
 * That is the engine's leftover, not a container this run left: it is reported, not failed on.
 */
async function removeNetwork(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getNetwork(id).remove();
  } catch (error) {
    if (!/has active endpoints/.test(String(error))) throw error;
    const info = (await docker.getNetwork(id).inspect()) as { Name?: string; Containers?: object | null };
    if (Object.keys(info.Containers ?? {}).length > 0) throw error;
    console.warn(
      `cleanupLab: network ${info.Name ?? id} keeps a stale endpoint of the engine; left in place`,
    );
  }
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
async function serviceIds(docker: Docker, owned: RunMatch, prefix?: string): Promise<string[]> {
  try {
    const services = await docker.listServices();
    return services
      .filter((service) => {
        const spec = service.Spec;
        return (
          owned(spec?.Labels?.[LAB_LABEL]) ||
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
  try {
    await removeRuns(thisRun, prefix);
  } catch {
    // A create the engine was still answering when the list was taken (a Tidewatch killed with a
    // request in flight, as the fault suite does) leaves a container the first pass did not see,
    // and its network "has active endpoints". A second pass after a moment sees it; what is left
    // after that was really left behind.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await removeRuns(thisRun, prefix);
  }
}

/**
 * Removes what test processes that no longer run left behind (a run killed before its afterAll:
 * Ctrl-C, a CI timeout), found by the pid in their run id. Called once before the tests start, so a
 * killed run never leaves its containers, parked Tidewatch copies included, on the engine for good.
 * A run whose pid was reused by a live process is kept: when in doubt, nothing is removed.
 */
export async function sweepDeadRuns(): Promise<void> {
  await removeRuns((runId) => runId !== undefined && runId !== RUN_ID && !alive(runPid(runId)));
}

/** The pid a run id (`<pid base 36>-<random>`) was made by, or undefined if it is not one. */
function runPid(runId: string): number | undefined {
  const match = /^([0-9a-z]+)-[0-9a-z]+$/.exec(runId);
  return match?.[1] === undefined ? undefined : parseInt(match[1], 36);
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return true; // not a run id of ours: leave it
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function removeRuns(owned: RunMatch, prefix?: string): Promise<void> {
  const docker = labDocker();
  const named = (name: string | undefined): boolean =>
    prefix !== undefined && name?.startsWith(prefix) === true;
  const errors: string[] = [];

  errors.push(
    ...(await removeAll('service', await serviceIds(docker, owned, prefix), (id) =>
      docker.getService(id).remove(),
    )),
  );

  const containers = await docker.listContainers({ all: true });
  const containerIds = containers
    .filter((c) => owned(c.Labels?.[LAB_LABEL]) || c.Names.some((name) => named(name.replace(/^\//, ''))))
    .map((c) => c.Id);
  errors.push(
    ...(await removeAll('container', containerIds, (id) =>
      docker.getContainer(id).remove({ force: true, v: true }),
    )),
  );

  const networks = await docker.listNetworks();
  const networkIds = networks.filter((n) => owned(n.Labels?.[LAB_LABEL]) || named(n.Name)).map((n) => n.Id);
  errors.push(...(await removeAll('network', networkIds, (id) => removeNetwork(docker, id))));

  const { Volumes: volumes = [] } = await docker.listVolumes();
  const volumeNames = volumes.filter((v) => owned(v.Labels?.[LAB_LABEL]) || named(v.Name)).map((v) => v.Name);
  errors.push(
    ...(await removeAll('volume', volumeNames, (name) => docker.getVolume(name).remove({ force: true }))),
  );

  const labelled = (
    await listImages(docker, { all: true, filters: JSON.stringify({ label: [LAB_LABEL] }) })
  ).filter((image) => owned(image.Labels?.[LAB_LABEL]));
  const images = prefix === undefined ? [] : await listImages(docker, { all: true });
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

/** Podman's list fails as a whole ("retrieving size of image ...: image not known") when an image
 * it lists is removed meanwhile, as another test file's cleanup does: list again a moment later. */
function listImages(docker: Docker, options: Docker.ListImagesOptions): Promise<Docker.ImageInfo[]> {
  return retryingLostImageName(
    () => docker.listImages(options),
    () => new Promise((resolve) => setTimeout(resolve, 100)),
  );
}
