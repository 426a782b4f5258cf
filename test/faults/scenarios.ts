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

/** The images every case of a file tags and pushes under repositories of its own. */
export interface SourceImages {
  readonly registry: LabRegistry;
  readonly appOld: string;
  readonly appNew: string;
  /** The namespace provider's sharer: its image EXPOSEs a port, which a sharer may not publish. */
  readonly sideOld: string;
  readonly sideNew: string;
  /** A tag that never moves, shared by every case: `<registry>/<repo>:1`. */
  readonly plainRef: string;
  readonly plainId: string;
}

/** Builds the source images once per test file (a few seconds), and pushes the plain one. */
export async function buildSourceImages(registry: LabRegistry): Promise<SourceImages> {
  const local = uniqueName('faults-src');
  const exposed = { cmd: QUICK_CMD, exposedPorts: ['8080'] };
  const [appOld, appNew, sideOld, sideNew] = await Promise.all([
    buildImage(`${local}:app-old`, { cmd: QUICK_CMD, marker: `${local}-app-old` }),
    buildImage(`${local}:app-new`, { cmd: QUICK_CMD, marker: `${local}-app-new` }),
    buildImage(`${local}:side-old`, { ...exposed, marker: `${local}-side-old` }),
    buildImage(`${local}:side-new`, { ...exposed, marker: `${local}-side-new` }),
  ]);
  const plainRef = `${registry.host}/${uniqueName('faults-plain')}:1`;
  const plainId = await buildImage(plainRef, { cmd: QUICK_CMD, marker: `${local}-plain` });
  await pushImage(plainRef);
  return { registry, appOld, appNew, sideOld, sideNew, plainRef, plainId };
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
  readonly networks: readonly string[];
  /** The per-case tags (`<registry>/<repo>:1`), untagged locally at removal. */
  readonly refs: readonly string[];
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

/**
 * Moves `ref` to `newId` in the registry only: the engine keeps `ref` on the old image, as a host
 * does when a CI pipeline pushed elsewhere, so Tidewatch must pull what it checked.
 */
async function publishNew(ref: string, oldId: string, newId: string): Promise<void> {
  await tag(newId, ref);
  await pushImage(ref);
  await tag(oldId, ref);
}

function create(
  name: string,
  image: string,
  scope: string,
  options: Partial<Docker.ContainerCreateOptions> & { labels?: Record<string, string> },
): Promise<Docker.Container> {
  const { labels, ...rest } = options;
  return labDocker().createContainer({
    ...rest,
    name,
    Image: image,
    Labels: { ...labels, 'tidewatch.scope': scope, [LAB_LABEL]: RUN_ID },
  });
}

interface Plan {
  readonly members: Member[];
  readonly refs: string[];
  readonly networks: string[];
}

/** Names, refs and the network of a case, before anything exists. */
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
  const networks = [`${prefix}-net`];
  if (scenario === 'stop-first' || scenario === 'start-first')
    return { members: [app], refs: [appRef], networks };
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
  return { members, refs: [appRef, sideRef], networks };
}

/**
 * Builds one case of `scenario` (containers running, the update pushed):
 * - stop-first / start-first: `app` alone on a user network (start-first with an alias);
 * - group: `app` on the default bridge and a user network (alias `app`), `side` in app's network
 *   namespace, `side2` in side's, `linkc` linked to app (`--link app:db`, monitor-only, on app's own
 *   repo:tag), and `dep` with `tidewatch.depends-on=app`; only app's image moves;
 * - group-own: the same, and side's image moves too.
 */
export async function buildCase(
  scenario: ScenarioName,
  images: SourceImages,
  label: string,
): Promise<FaultCase> {
  const prefix = uniqueName(`f-${label}`);
  const scope = prefix;
  const { members, refs, networks } = plan(scenario, images, prefix);
  const docker = labDocker();
  const [appRef = '', sideRef = ''] = refs;
  const [network = ''] = networks;
  await docker.createNetwork({ Name: network, Labels: labLabels() });
  await tag(images.appOld, appRef);
  await pushImage(appRef);
  const name = (role: Role): string => members.find((m) => m.role === role)?.name ?? '';

  if (scenario === 'stop-first' || scenario === 'start-first') {
    const app = await create(name('app'), appRef, scope, {
      labels: { 'tidewatch.strategy': scenario },
      HostConfig: { NetworkMode: network },
      NetworkingConfig: {
        EndpointsConfig: { [network]: { Aliases: scenario === 'start-first' ? ['app-alias'] : [] } },
      },
    });
    await app.start();
    await publishNew(appRef, images.appOld, images.appNew);
    return { scenario, label, scope, members, networks, refs };
  }

  await tag(images.sideOld, sideRef);
  await pushImage(sideRef);
  const app = await create(name('app'), appRef, scope, {
    labels: { 'tidewatch.strategy': 'stop-first' },
    HostConfig: { NetworkMode: 'bridge' },
  });
  await docker.getNetwork(network).connect({ Container: app.id, EndpointConfig: { Aliases: ['app'] } });
  await app.start();
  const side = await create(name('side'), sideRef, scope, {
    HostConfig: { NetworkMode: `container:${name('app')}` },
  });
  await side.start();
  const side2 = await create(name('side2'), images.plainRef, scope, {
    HostConfig: { NetworkMode: `container:${name('side')}` },
  });
  await side2.start();
  const linkc = await create(name('linkc'), appRef, scope, {
    labels: { 'tidewatch.monitor-only': 'true' },
    HostConfig: { NetworkMode: 'bridge', Links: [`${name('app')}:db`] },
  });
  await linkc.start();
  const dep = await create(name('dep'), images.plainRef, scope, {
    labels: { 'tidewatch.depends-on': name('app') },
    HostConfig: { NetworkMode: network },
  });
  await dep.start();
  await publishNew(appRef, images.appOld, images.appNew);
  if (scenario === 'group-own') await publishNew(sideRef, images.sideOld, images.sideNew);
  return { scenario, label, scope, members, networks, refs };
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
  const sharer = (c: (typeof ours)[number]): boolean => c.HostConfig.NetworkMode.startsWith('container:');
  await remove(ours.filter(sharer));
  await remove(ours.filter((c) => !sharer(c)));
  await Promise.allSettled(fault.networks.map((n) => docker.getNetwork(n).remove()));
  // Untag only: the image ids are shared with other cases and the source tags (cleanupLab removes them).
  await Promise.allSettled(fault.refs.map((ref) => docker.getImage(ref).remove({ noprune: true })));
}
