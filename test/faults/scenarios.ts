import type Docker from 'dockerode';
import {
  LAB_LABEL,
  RUN_ID,
  buildImage,
  labDocker,
  labLabels,
  pushImage,
  uniqueName,
  type LabRegistry,
} from '../lab/index.js';
import { retryingLostImageName } from '../lab/lab-engine.js';
import { MANIFEST_ACCEPT, putManifest, registryFetch } from '../lab/registry-http.js';

/**
 * The scenarios of the fault suite (test/faults): each builds, on the real engine, the containers
 * of one update with names, a network, a scope and image repositories of its own, so any number
 * of cases run side by side without sharing anything that moves.
 */
export const SCENARIOS = ['stop-first', 'start-first', 'group', 'group-own'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export type Role = 'app' | 'side' | 'side2' | 'linkc' | 'dep';

/**
 * Exits at once on SIGTERM (the shell waits on a background sleep, which a trapped signal
 * interrupts), so every stop takes milliseconds and the suite is not made of stop timeouts.
 */
const QUICK_CMD = ['sh', '-c', "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done"];

/** An image pushed once: what it takes to put it under another repository, registry-side. */
interface Pushed {
  /** Its repository path in the registry (no host). */
  readonly repo: string;
  readonly mediaType: string;
  readonly manifest: Buffer;
  /** Config and layers. */
  readonly blobs: readonly string[];
}

/**
 * What every case of a test file shares: images that cases put under repositories of their own,
 * and the user network stop-first and start-first cases join (each with its own alias): a
 * network per case costs the engine more than the rest of the case.
 */
export interface SourceImages {
  readonly registry: LabRegistry;
  readonly network: string;
  readonly appOld: string;
  readonly appNew: string;
  /** A third app image: a reused case moves app between appNew and appNext (see advanceCase). */
  readonly appNext: string;
  /** The namespace provider's sharer: its image EXPOSEs a port, which a sharer may not publish. */
  readonly sideOld: string;
  readonly sideNew: string;
  readonly sideNext: string;
  /** A tag that never moves, shared by every case: `<registry>/<repo>:1`. */
  readonly plainRef: string;
  readonly plainId: string;
  /** By image id: how to copy it into a case's repository. */
  readonly pushed: ReadonlyMap<string, Pushed>;
}

async function pushSource(registry: LabRegistry, ref: string): Promise<Pushed> {
  const digest = await pushImage(ref);
  const repo = ref.slice(registry.host.length + 1, ref.lastIndexOf(':'));
  const response = await registryFetch(registry, `/v2/${repo}/manifests/${digest}`, {
    headers: { Accept: MANIFEST_ACCEPT },
  });
  const manifest = Buffer.from(await response.arrayBuffer());
  const mediaType = response.headers.get('content-type');
  if (response.status !== 200 || mediaType === null)
    throw new Error(`GET ${repo}@${digest}: ${response.status}`);
  const parsed = JSON.parse(manifest.toString()) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  return { repo, mediaType, manifest, blobs: [parsed.config.digest, ...parsed.layers.map((l) => l.digest)] };
}

/**
 * Builds and pushes the source images once per test file (a few seconds). Cases then copy them
 * registry-side (copyImage), which costs the engine nothing: a push per case would.
 */
export async function buildSourceImages(registry: LabRegistry): Promise<SourceImages> {
  const source = `${registry.host}/${uniqueName('faults-src')}`;
  const exposed = { cmd: QUICK_CMD, exposedPorts: ['8080'] };
  const tags = ['app-old', 'app-new', 'app-next', 'side-old', 'side-new', 'side-next'] as const;
  const [appOld = '', appNew = '', appNext = '', sideOld = '', sideNew = '', sideNext = ''] =
    await Promise.all(
      tags.map((tag) =>
        buildImage(`${source}:${tag}`, {
          ...(tag.startsWith('side') ? exposed : { cmd: QUICK_CMD }),
          marker: `${source}-${tag}`,
        }),
      ),
    );
  const pushed = new Map<string, Pushed>();
  const ids = [appOld, appNew, appNext, sideOld, sideNew, sideNext];
  for (const [index, tag] of tags.entries())
    pushed.set(ids[index] ?? '', await pushSource(registry, `${source}:${tag}`));
  const plainRef = `${registry.host}/${uniqueName('faults-plain')}:1`;
  const plainId = await buildImage(plainRef, { cmd: QUICK_CMD, marker: `${source}-plain` });
  await pushImage(plainRef);
  const network = uniqueName('faults-net');
  await labDocker().createNetwork({ Name: network, Labels: labLabels() });
  return {
    registry,
    network,
    appOld,
    appNew,
    appNext,
    sideOld,
    sideNew,
    sideNext,
    plainRef,
    plainId,
    pushed,
  };
}

/**
 * Puts a pushed image under `ref` in the registry only, mounting its blobs from the source
 * repository (https://distribution.github.io/distribution/spec/api/#cross-repository-blob-mount).
 */
async function copyImage(images: SourceImages, imageId: string, ref: string): Promise<void> {
  const { registry } = images;
  const source = images.pushed.get(imageId);
  if (source === undefined) throw new Error(`${imageId} was not pushed`);
  const repo = ref.slice(registry.host.length + 1, ref.lastIndexOf(':'));
  for (const blob of source.blobs) {
    const mount = await registryFetch(
      registry,
      `/v2/${repo}/blobs/uploads/?mount=${blob}&from=${source.repo}`,
      {
        method: 'POST',
      },
    );
    await mount.arrayBuffer();
    if (mount.status !== 201) throw new Error(`mounting ${blob} into ${repo}: ${mount.status}`);
  }
  await putManifest(registry, repo, ref.slice(ref.lastIndexOf(':') + 1), source.mediaType, source.manifest);
}

/** One member of a case: a container, the images it may run and the one it must end on. */
export interface Member {
  readonly role: Role;
  readonly name: string;
  /** The image it runs before the update. */
  readonly oldImageId: string;
  /** The image of its own update, when its tag moves; others must stay on oldImageId. */
  readonly newImageId: string | undefined;
  /** `container:<role>`: the member whose network namespace it shares. */
  readonly sharesNetworkOf: Role | undefined;
  /** A legacy link `--link <target>:<alias>`. */
  readonly linksTo: { readonly role: Role; readonly alias: string } | undefined;
}

/** A built case: its containers, running, and an update pushed for the app (and side in group-own). */
export interface FaultCase {
  readonly scenario: ScenarioName;
  /** `group-7-after`: what failure messages call the case. */
  readonly label: string;
  readonly scope: string;
  readonly members: readonly Member[];
  /** The per-case tags (`<registry>/<repo>:1`), untagged locally at removal. */
  readonly refs: readonly string[];
  /** 0: built for this case; n: the containers went through n earlier clean cases (advanceCase). */
  readonly generation: number;
  /** The case that built the containers (their names carry its label). */
  readonly builtBy: string;
}

export function member(fault: FaultCase, role: Role): Member {
  const found = fault.members.find((m) => m.role === role);
  if (found === undefined) throw new Error(`${fault.label} has no ${role}`);
  return found;
}

async function tag(imageId: string, ref: string): Promise<void> {
  const colon = ref.lastIndexOf(':');
  await labDocker()
    .getImage(imageId)
    .tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
}

/** A case's own tag: in the registry, and in the engine as if it had been pulled. */
async function publishOld(images: SourceImages, imageId: string, ref: string): Promise<void> {
  await copyImage(images, imageId, ref);
  await tag(imageId, ref);
}

/**
 * Creates a case's container from `image`, the local name of `imageId`. Podman keeps one list of
 * names per image, and the pool's cases tag the same images under their own names at the same
 * moments: one of two concurrent tags can be lost ("image not known" at create). The name is then
 * given again and the create retried (retryingLostImageName).
 */
async function create(
  name: string,
  image: string,
  imageId: string,
  scope: string,
  options: Partial<Docker.ContainerCreateOptions> & { labels?: Record<string, string> },
): Promise<Docker.Container> {
  const { labels, ...rest } = options;
  return retryingLostImageName(
    () =>
      labDocker().createContainer({
        ...rest,
        name,
        Image: image,
        Labels: { ...labels, 'tidewatch.scope': scope, [LAB_LABEL]: RUN_ID },
      }),
    () => tag(imageId, image),
  );
}

interface Plan {
  readonly members: Member[];
  readonly refs: string[];
}

/** Names and refs of a case, before anything exists. */
function plan(scenario: ScenarioName, images: SourceImages, prefix: string): Plan {
  const name = (role: Role): string => `${prefix}-${role}`;
  const appRef = `${images.registry.host}/${prefix}-app:1`;
  const sideRef = `${images.registry.host}/${prefix}-side:1`;
  const app: Member = {
    role: 'app',
    name: name('app'),
    oldImageId: images.appOld,
    newImageId: images.appNew,
    sharesNetworkOf: undefined,
    linksTo: undefined,
  };
  if (scenario === 'stop-first' || scenario === 'start-first') return { members: [app], refs: [appRef] };
  const plain = { oldImageId: images.plainId, newImageId: undefined, linksTo: undefined };
  const members: Member[] = [
    app,
    {
      role: 'side',
      name: name('side'),
      oldImageId: images.sideOld,
      newImageId: scenario === 'group-own' ? images.sideNew : undefined,
      sharesNetworkOf: 'app',
      linksTo: undefined,
    },
    { role: 'side2', name: name('side2'), ...plain, sharesNetworkOf: 'side' },
    {
      role: 'linkc',
      name: name('linkc'),
      oldImageId: images.appOld, // the app's own repo:tag, monitor-only: the tag must not move it
      newImageId: undefined,
      sharesNetworkOf: undefined,
      linksTo: { role: 'app', alias: 'db' },
    },
    { role: 'dep', name: name('dep'), ...plain, sharesNetworkOf: undefined },
  ];
  return { members, refs: [appRef, sideRef] };
}

/**
 * Builds one case of `scenario` (containers running, the update pushed):
 * - stop-first / start-first: `app` alone on the shared user network (start-first with an alias);
 * - group: `app` on the default bridge (where legacy links live; a user network per case would
 *   cost the engine more than the rest of the case), `side` in app's network namespace, `side2` in
 *   side's, `linkc` linked to app (`--link app:db`, monitor-only, on app's own repo:tag), and `dep`
 *   with `tidewatch.depends-on=app`; only app's image moves;
 * - group-own: the same, and side's image moves too.
 */
export async function buildCase(
  scenario: ScenarioName,
  images: SourceImages,
  label: string,
): Promise<FaultCase> {
  const prefix = uniqueName(`f-${label}`);
  const scope = prefix;
  const { members, refs } = plan(scenario, images, prefix);
  const [appRef = '', sideRef = ''] = refs;
  await publishOld(images, images.appOld, appRef);
  const name = (role: Role): string => members.find((m) => m.role === role)?.name ?? '';

  if (scenario === 'stop-first' || scenario === 'start-first') {
    const { network } = images;
    const app = await create(name('app'), appRef, images.appOld, scope, {
      labels: { 'tidewatch.strategy': scenario },
      HostConfig: { NetworkMode: network },
      NetworkingConfig: {
        EndpointsConfig: { [network]: { Aliases: scenario === 'start-first' ? [`${prefix}-alias`] : [] } },
      },
    });
    await app.start();
    // The tag moves in the registry only: the engine keeps it on the old image, as on a host where a
    // pipeline pushed elsewhere, so Tidewatch must pull what it checked.
    await copyImage(images, images.appNew, appRef);
    return { scenario, label, scope, members, refs, generation: 0, builtBy: label };
  }

  await publishOld(images, images.sideOld, sideRef);
  const app = await create(name('app'), appRef, images.appOld, scope, {
    labels: { 'tidewatch.strategy': 'stop-first' },
    HostConfig: { NetworkMode: 'bridge' },
  });
  await app.start();
  const side = await create(name('side'), sideRef, images.sideOld, scope, {
    HostConfig: { NetworkMode: `container:${name('app')}` },
  });
  await side.start();
  const side2 = await create(name('side2'), images.plainRef, images.plainId, scope, {
    HostConfig: { NetworkMode: `container:${name('side')}` },
  });
  await side2.start();
  const linkc = await create(name('linkc'), appRef, images.appOld, scope, {
    labels: { 'tidewatch.monitor-only': 'true' },
    HostConfig: { NetworkMode: 'bridge', Links: [`${name('app')}:db`] },
  });
  await linkc.start();
  const dep = await create(name('dep'), images.plainRef, images.plainId, scope, {
    labels: { 'tidewatch.depends-on': name('app') },
    HostConfig: { NetworkMode: 'bridge' },
  });
  await dep.start();
  await copyImage(images, images.appNew, appRef);
  if (scenario === 'group-own') await copyImage(images, images.sideNew, sideRef);
  return { scenario, label, scope, members, refs, generation: 0, builtBy: label };
}

/**
 * The containers of a case that ended clean (updated, every invariant held), made the next case:
 * the members that were updated run their new image, and the tag moves on to a further one (app:
 * appNew ⇄ appNext; side in group-own: sideNew ⇄ sideNext), pushed to the registry only, as
 * buildCase does. Everything else stays: linkc still runs appOld, which is never a target, so a
 * monitor-only client that moved would still show. A case costs the engine its update only,
 * instead of building and removing five containers: the suite's largest cost (docs/how-updates-work.md).
 */
export async function advanceCase(fault: FaultCase, images: SourceImages, label: string): Promise<FaultCase> {
  const other: Readonly<Record<string, string>> = {
    [images.appNew]: images.appNext,
    [images.appNext]: images.appNew,
    [images.sideNew]: images.sideNext,
    [images.sideNext]: images.sideNew,
  };
  const members = fault.members.map((m): Member => {
    if (m.newImageId === undefined) return m;
    const next = other[m.newImageId];
    if (next === undefined)
      throw new Error(`${fault.label}: ${m.role} ended on an image no case moves on from`);
    return { ...m, oldImageId: m.newImageId, newImageId: next };
  });
  const [appRef = '', sideRef = ''] = fault.refs;
  await copyImage(images, member({ ...fault, members }, 'app').newImageId ?? '', appRef);
  const side = members.find((m) => m.role === 'side');
  if (side?.newImageId !== undefined) await copyImage(images, side.newImageId, sideRef);
  return { ...fault, label, members, generation: fault.generation + 1 };
}

/** Removes everything of a case, including containers Tidewatch left under other names. */
export async function removeCase(fault: FaultCase): Promise<void> {
  const docker = labDocker();
  const all = await docker.listContainers({ all: true });
  const ours = all.filter(
    (c) =>
      c.Labels['tidewatch.scope'] === fault.scope || c.Names.some((n) => n.startsWith(`/${fault.scope}-`)),
  );
  const remove = (list: typeof ours): Promise<unknown> =>
    Promise.allSettled(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  // Namespace sharers first, then their providers.
  const sharer = (c: (typeof ours)[number]): boolean =>
    (c.HostConfig as { NetworkMode?: string } | undefined)?.NetworkMode?.startsWith('container:') ?? false;
  await remove(ours.filter(sharer));
  await remove(ours.filter((c) => !sharer(c)));
  // Untag only: the image ids are shared with other cases and the source tags (cleanupLab removes them).
  await Promise.allSettled(fault.refs.map((ref) => docker.getImage(ref).remove({ noprune: true })));
}
