import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type ExtraEngine } from '../lab/index.js';
import { progressOf } from '../lab/progress.js';
import { startDaemon, type Daemon } from './daemon.js';
import { eventually } from './images.js';
import { expectExit, runCli } from './tidewatch.js';

/** A fleet controller process (`run --fleet`) with its data dir and API URL. */
export interface Controller {
  daemon: Daemon;
  /** On a port fixed for its life, so members find it again after a restart. */
  readonly url: string;
  readonly dataDir: string;
  /** A member token created on its store (`fleet token create NAME`). */
  token(name: string): Promise<string>;
  /** GET /api/v1/fleet. */
  view(): Promise<FleetViewJson>;
  /** Stops it (SIGTERM) and starts it again on the same data dir and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface FleetViewJson {
  members: {
    name: string;
    online: boolean;
    wave: number;
    containers: { name: string; ref: string; digest: string | null }[];
  }[];
  rollouts: {
    id: number;
    ref: string;
    digest: string;
    state: string;
    wave: number | null;
    passedWaves: number[];
    failure: { member: string; container: string; reason: string } | null;
    members: { name: string; progress: string; committedAt: number | null }[];
    promotions: { to: string; state: string; reason: string | null }[];
  }[];
}

/** Creates a data dir, then runs `tidewatch run --fleet ARGS` on it (the main engine, scope `scope`). */
export async function startController(args: readonly string[], scope: string): Promise<Controller> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidewatch-fleet-controller-'));
  const env = { TIDEWATCH_DATA_DIR: dataDir };
  const token = async (name: string): Promise<string> =>
    expectExit(await runCli(['fleet', 'token', 'create', name], env)).stdout.trim();
  const port = await freePort();
  const start = (): Promise<Daemon> =>
    startDaemon(['--fleet', '--scope', scope, '--http-addr', `127.0.0.1:${port}`, ...args], env);
  const daemon = await start();
  const url = apiUrlOf(daemon);
  const controller: Controller = {
    daemon,
    url,
    dataDir,
    token,
    view: async () => (await (await fetch(`${url}/api/v1/fleet`)).json()) as FleetViewJson,
    restart: async () => {
      await controller.daemon.stop();
      controller.daemon = await start();
    },
    stop: async () => {
      await controller.daemon.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return controller;
}

/** Every member's own API token (its API asks for a run: `POST /api/v1/check`). */
export const MEMBER_API_TOKEN = 'fleet-member-api-token';

/** The URL a daemon's API listens on, from its log. */
export function apiUrlOf(daemon: Daemon): string {
  const listening = /"url":"(http:\/\/[^"]+)","msg":"api listening"/.exec(daemon.stderr());
  if (!listening?.[1]) throw new Error(`no API URL in the log: ${daemon.stderr().slice(-2000)}`);
  return listening[1];
}

/** A member: `tidewatch run --controller URL` on an extra engine, with its own data dir. */
export interface Member {
  readonly name: string;
  readonly engine: ExtraEngine;
  readonly dataDir: string;
  daemon: Daemon;
  /** Starts it (again), on the same data dir; `env` adds variables (a test crash hook). */
  start(env?: NodeJS.ProcessEnv): Promise<Daemon>;
  stop(): Promise<void>;
}

export function fleetMember(
  controller: Controller,
  engine: ExtraEngine,
  name: string,
  wave: number,
  token: string,
): Member {
  const dataDir = mkdtempSync(join(tmpdir(), `tidewatch-fleet-${name}-`));
  const member: Member = {
    name,
    engine,
    dataDir,
    daemon: undefined as unknown as Daemon,
    start: async (env = {}) => {
      member.daemon = await startDaemon(
        [
          '--controller',
          controller.url,
          '--member-name',
          name,
          '--wave',
          String(wave),
          '--stop-timeout',
          '1s',
        ],
        {
          DOCKER_HOST: engine.host,
          TIDEWATCH_DATA_DIR: dataDir,
          TIDEWATCH_CONTROLLER_TOKEN: token,
          TIDEWATCH_API_TOKEN: MEMBER_API_TOKEN,
          ...env,
        },
      );
      return member.daemon;
    },
    stop: async () => {
      await member.daemon.stop();
    },
  };
  return member;
}

/** Pulls `ref` on `engine` and runs it as container `name` on no network. */
export async function runOn(engine: ExtraEngine, name: string, ref: string): Promise<void> {
  await progressOf(`pulling ${ref} on ${engine.name}`, () => engine.docker.pull(ref));
  const container = await engine.docker.createContainer({
    name,
    Image: ref,
    HostConfig: { NetworkMode: 'none' },
  });
  await container.start();
}

/**
 * The digest container `name` on `engine` runs in repository `repo` (`host:port/path`): its
 * image's RepoDigest there; undefined when it has none (or the container is gone).
 */
export async function runningDigest(
  engine: ExtraEngine,
  name: string,
  repo: string,
): Promise<string | undefined> {
  try {
    const info = await engine.docker.getContainer(name).inspect();
    const image = (await engine.docker.getImage(info.Image).inspect()) as { RepoDigests?: string[] };
    const entry = image.RepoDigests?.find((d) => d.startsWith(`${repo}@`));
    return entry?.slice(repo.length + 1);
  } catch {
    return undefined;
  }
}

/** Names of every container on `engine` (parked and temporary copies show up here). */
export async function containerNames(engine: ExtraEngine): Promise<string[]> {
  const rows = await engine.docker.listContainers({ all: true });
  return rows.map((row) => (row.Names[0] ?? '').replace(/^\//, '')).sort();
}

/**
 * The containers on `engine` once only one is left (bounded): a parked copy goes a moment after
 * the update committed.
 */
export function settledContainers(engine: ExtraEngine): Promise<string[]> {
  return eventually(
    () => containerNames(engine),
    (names) => names.length === 1,
    30_000,
  );
}

/** Waits until `predicate` holds for the controller's view; the last view when it never does. */
export function fleetEventually(
  controller: Controller,
  predicate: (view: FleetViewJson) => boolean,
  timeoutMs: number,
): Promise<FleetViewJson> {
  return eventually(() => controller.view(), predicate, timeoutMs);
}
