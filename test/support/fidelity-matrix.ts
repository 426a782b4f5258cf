import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import pLimit from 'p-limit';
import { expect } from 'vitest';
import { runCycle, type CycleDeps } from '../../src/updater/index.js';
import {
  assertEngine,
  buildAndPush,
  buildImage,
  cleanupLab,
  labDocker,
  labLabels,
  pushImage,
  runContainer,
  startRegistry,
  uniqueName,
  type BuildOptions,
  type LabRegistry,
} from '../lab/index.js';
import { labIsPodman } from '../lab/lab-engine.js';
import { compareContainers, formatDifferences } from './fidelity.js';
import { publishUpdate } from './images.js';
import { tidewatchDeps } from './tidewatch.js';

/**
 * The recreate-fidelity matrix: run a container with one `docker run` setting, move its tag, let
 * Tidewatch update it, and compare the new container's configuration with the old one's, field by
 * field (fidelity.ts). `runFidelityCase` is one row; the rest are helpers for the rows.
 */

type Inspect = Docker.ContainerInspectInfo;

/**
 * PID 1 exits on the stop signal at once, so a swap does not wait out the stop timeout (a bare
 * `sleep` as PID 1 ignores SIGTERM). `wait` returns as soon as a trapped signal arrives.
 */
export const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM INT HUP USR1; sleep 3600 & wait'];

export interface FidelityLab {
  readonly registry: LabRegistry;
  readonly deps: CycleDeps;
  readonly docker: Docker;
  /** A folder for bind-mount sources, removed at the end. */
  readonly scratch: string;
  /** Volumes to remove at the end: anonymous ones carry no lab label. */
  readonly volumes: Set<string>;
  /** Cases in flight at once in this file: enough to overlap the engine's waits, not to swamp it. */
  readonly limit: ReturnType<typeof pLimit>;
  /** The old and new builds shared by the cases that need no image options of their own. */
  readonly shared: Map<'old' | 'new', Promise<string>>;
}

export async function startFidelityLab(): Promise<FidelityLab> {
  await assertEngine();
  return {
    registry: await startRegistry(),
    // includeStopped: a case may update a container that the engine here cannot start (privileged).
    deps: await tidewatchDeps({ stopTimeout: '1s', includeStopped: true }),
    docker: labDocker(),
    scratch: mkdtempSync(join(tmpdir(), 'tw-fidelity-')),
    volumes: new Set(),
    limit: pLimit(4),
    shared: new Map(),
  };
}

export async function stopFidelityLab(lab: FidelityLab | undefined): Promise<void> {
  if (!lab) return;
  try {
    await cleanupLab();
    const leftovers = await Promise.allSettled(
      [...lab.volumes].map((name) => lab.docker.getVolume(name).remove({ force: true })),
    );
    const failed = leftovers.filter(
      (r) => r.status === 'rejected' && (r.reason as { statusCode?: number }).statusCode !== 404,
    );
    if (failed.length > 0) throw new Error(`could not remove ${failed.length} anonymous volume(s)`);
  } finally {
    await lab.registry.stop();
    rmSync(lab.scratch, { recursive: true, force: true });
  }
}

export interface CaseContext {
  readonly lab: FidelityLab;
  /** The container's name. */
  readonly name: string;
  /** The image reference it runs (its tag moves during the case). */
  readonly image: string;
}

export interface FidelityCase {
  readonly name: string;
  /** The old image, on top of `cmd: SLEEPER`. */
  readonly image?: BuildOptions;
  /** The new image; the old image's options when absent (only the content changes). */
  readonly update?: BuildOptions;
  /** The container's create options (runContainer adds the name, image and lab label). */
  readonly create: (
    ctx: CaseContext,
  ) => Promise<Docker.ContainerCreateOptions> | Docker.ContainerCreateOptions;
  /** Create the container without starting it: for settings this engine cannot start with. */
  readonly stopped?: boolean;
  /** Runs after the container started and before the tag moves: write data, connect networks. */
  readonly prepare?: (ctx: CaseContext, container: Docker.Container) => Promise<void>;
  /** Paths expected to differ after the update, with the new value (asymmetric matchers work). */
  readonly changes?: Readonly<Record<string, unknown>>;
  /** Further checks on the new container. */
  readonly verify?: (ctx: CaseContext, old: Inspect, now: Inspect) => Promise<void> | void;
  /**
   * On Podman, a setting it cannot create at all (so no user has such a container there): the case
   * asserts that the create is refused with this error, instead of updating (docs/podman.md).
   */
  readonly podmanRefuses?: RegExp;
}

export function runFidelityCase(lab: FidelityLab, row: FidelityCase): Promise<void> {
  return lab.limit(async () => {
    const name = uniqueName(`fid-${row.name}`);
    const ctx: CaseContext = { lab, name, image: `${lab.registry.host}/${name}:1` };
    await publishOld(lab, ctx.image, row.image);
    const options = await row.create(ctx);
    if (row.podmanRefuses && labIsPodman()) {
      await expect(runContainer(name, ctx.image, options)).rejects.toThrow(row.podmanRefuses);
      return;
    }
    const container = row.stopped
      ? await lab.docker.createContainer({
          ...options,
          name,
          Image: ctx.image,
          Labels: { ...options.Labels, ...labLabels() },
        })
      : await runContainer(name, ctx.image, options);
    await row.prepare?.(ctx, container);
    const old = await container.inspect();
    trackVolumes(lab, old);
    await publishNew(lab, ctx.image, row.update ?? row.image);

    const report = await runCycle(lab.deps, {
      names: [name],
      update: true,
      signal: AbortSignal.timeout(60_000),
    });
    const entry = report.entries.find((e) => e.name === name);
    expect(entry?.action, `update of ${name}: ${entry?.status} ${entry?.reason ?? ''}`).toBe('updated');

    const now = await lab.docker.getContainer(name).inspect();
    trackVolumes(lab, now);
    expect(now.Id).not.toBe(old.Id);
    expect(now.State.Running, `${name}: running ${now.State.Running}, ${now.State.Error}`).toBe(!row.stopped);
    const differences = compareContainers(old, now);
    const expected = row.changes ?? {};
    const unexpected = differences.filter((d) => !(d.path in expected));
    expect(unexpected, `settings that changed in the update:\n${formatDifferences(unexpected)}`).toEqual([]);
    for (const [path, value] of Object.entries(expected)) {
      const change = differences.find((d) => d.path === path);
      expect(change, `${path} was expected to change`).toBeDefined();
      expect(change?.new, path).toEqual(value);
    }
    await row.verify?.(ctx, old, now);
  });
}

/**
 * Pushes the case's old image as `ref`: its own build when it needs image options, else the file's
 * shared build tagged as `ref` (building once per file instead of once per case saves a third of
 * the matrix's time; the registry stores the layers once either way).
 */
async function publishOld(lab: FidelityLab, ref: string, options: BuildOptions | undefined): Promise<void> {
  if (options) {
    await buildAndPush(ref, { cmd: SLEEPER, ...options });
    return;
  }
  await tagShared(lab, 'old', ref);
  await pushImage(ref);
}

/**
 * Moves the tag to a new image in the registry and forgets `ref` locally. A shared new build stays
 * in the engine under its own tag, so the pull finds its layers cached, as on a host that already
 * has them; pulling for real is covered by the core update test.
 */
async function publishNew(lab: FidelityLab, ref: string, options: BuildOptions | undefined): Promise<void> {
  if (options) {
    await publishUpdate(ref, { cmd: SLEEPER, ...options });
    return;
  }
  await tagShared(lab, 'new', ref);
  await pushImage(ref);
  await lab.docker.getImage(ref).remove(); // removes the tag only: the shared tag keeps the image
}

async function tagShared(lab: FidelityLab, which: 'old' | 'new', ref: string): Promise<void> {
  let id = lab.shared.get(which);
  if (!id) {
    id = buildImage(`${lab.registry.host}/${uniqueName('fid-shared')}:${which}`, { cmd: SLEEPER });
    lab.shared.set(which, id);
  }
  const colon = ref.lastIndexOf(':');
  await lab.docker.getImage(await id).tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
}

function trackVolumes(lab: FidelityLab, info: Inspect): void {
  for (const mount of info.Mounts) if (mount.Type === 'volume' && mount.Name) lab.volumes.add(mount.Name);
}

// ---------------------------------------------------------------------------------------------
// Helpers for the cases.

/** Runs `script` in the container and returns its output (a TTY keeps the stream unmultiplexed). */
export async function execText(container: Docker.Container, script: string): Promise<string> {
  const exec = await container.exec({
    Cmd: ['sh', '-c', script],
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const { ExitCode } = await exec.inspect();
  const text = Buffer.concat(chunks).toString().replace(/\r\n/g, '\n').trim();
  if (ExitCode !== 0) throw new Error(`"${script}" exited ${ExitCode}: ${text}`);
  return text;
}

/**
 * A user network labelled for cleanup. With `subnet`, a random /24 in 10.0.0.0/8 for static IPs;
 * with `ipv6`, also a random /64 in fd00::/8. `ip(n)` and `ip6(n)` give host `n` of each.
 */
export async function createNetwork(
  lab: FidelityLab,
  options: { subnet?: boolean; ipv6?: boolean } = {},
): Promise<{ name: string; ip: (host: number) => string; ip6: (host: number) => string }> {
  const random = (size: number): number => Math.floor(Math.random() * size);
  for (let attempt = 0; ; attempt++) {
    const name = uniqueName('fid-net');
    const prefix = `10.${100 + random(150)}.${random(250)}`;
    const prefix6 = `fd00:${random(0xffff).toString(16)}:${random(0xffff).toString(16)}:`;
    const config = [
      ...(options.subnet || options.ipv6 ? [{ Subnet: `${prefix}.0/24` }] : []),
      ...(options.ipv6 ? [{ Subnet: `${prefix6}:/64` }] : []),
    ];
    try {
      await lab.docker.createNetwork({
        Name: name,
        Labels: labLabels(),
        ...(options.ipv6 ? { EnableIPv6: true } : {}),
        ...(config.length > 0 ? { IPAM: { Driver: 'default', Config: config } } : {}),
      });
      return { name, ip: (host) => `${prefix}.${host}`, ip6: (host) => `${prefix6}:${host.toString(16)}` };
    } catch (error) {
      // Another network (another test file, another run) may already use the random subnet.
      if (attempt >= 5 || !/overlap/i.test(String(error))) throw error;
    }
  }
}

/** A named volume labelled for cleanup. */
export async function createVolume(lab: FidelityLab): Promise<string> {
  const name = uniqueName('fid-vol');
  await lab.docker.createVolume({ Name: name, Labels: labLabels() });
  return name;
}

/** A running container others can join (network, IPC, PID); it is never updated by a case. */
export async function startProvider(
  ctx: CaseContext,
  options: Docker.ContainerCreateOptions = {},
): Promise<Inspect> {
  const provider = await runContainer(uniqueName('fid-provider'), ctx.image, options);
  return provider.inspect();
}

/** A random locally administered unicast MAC, so parallel runs never share one. */
export function randomMac(): string {
  const bytes = Array.from({ length: 4 }, () => Math.floor(Math.random() * 256));
  return ['02', 'aa', ...bytes.map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
