import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { describeError } from '../domain/errors.js';
import { DEMO_APPS, demoImage, pushAt, type DemoApp } from './apps.js';
import { forgetOldImages, publish } from './images.js';
import { freePort } from './ports.js';
import { startRegistry, type DemoRegistry } from './registry.js';
import { startTidewatch, type DemoTidewatch } from './tidewatch-process.js';

/** On everything the demo creates (containers, images), so cleanup finds exactly that. */
export const DEMO_LABEL = 'tidewatch.demo';

export interface DemoOptions {
  /** Stop by itself after this long (ms); undefined: until stopped. */
  readonly durationMs?: number | undefined;
  readonly pushEveryMs: number;
  /** The dashboard's port; another free one when it is taken. */
  readonly port: number;
  readonly write: (line: string) => void;
  /** Ctrl-C: aborts the setup (cleaning up what it made) or stops the running demo. */
  readonly signal: AbortSignal;
}

export interface RunningDemo {
  /** Resolves when the demo stopped and cleaned up (after stop(), or the duration). */
  readonly done: Promise<void>;
  stop(): void;
}

function engine(): Docker {
  return process.env.DOCKER_HOST ? new Docker() : new Docker({ socketPath: '/var/run/docker.sock' });
}

/** Starts the demo: registry, images, containers, Tidewatch; then pushes a new image every so often. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { write } = options;
  const id = randomBytes(3).toString('hex');
  const labels = { [DEMO_LABEL]: id };
  const docker = engine();
  await docker.ping();
  const work = await mkdtemp(join(tmpdir(), 'tidewatch-demo-'));
  let registry: DemoRegistry | undefined;
  let tidewatch: DemoTidewatch | undefined;
  const cleanup = async (): Promise<void> => {
    await tidewatch?.stop();
    await removeCreated(docker, id);
    await registry?.stop();
    await rm(work, { recursive: true, force: true });
  };
  try {
    registry = await startRegistry(work);
    write(`demo ${id}: registry ${registry.host} (pid ${registry.pid})`);
    const versions = new Map<DemoApp['key'], number>();
    for (const app of DEMO_APPS) {
      options.signal.throwIfAborted();
      await publish(docker, demoImage(registry.host, app.key, 1, false, labels));
      versions.set(app.key, 1);
      await startApp(docker, registry.host, app, id);
    }
    options.signal.throwIfAborted();
    const token = randomBytes(24).toString('hex');
    const port = await freePort(options.port);
    tidewatch = await startTidewatch(
      {
        TIDEWATCH_SCOPE: `demo-${id}`,
        TIDEWATCH_INTERVAL: '15s',
        TIDEWATCH_VERIFY_WINDOW: '5s',
        TIDEWATCH_VERIFY_TIMEOUT: '30s',
        TIDEWATCH_STOP_TIMEOUT: '2s',
        TIDEWATCH_DRAIN: '1s',
        TIDEWATCH_API_TOKEN: token,
        TIDEWATCH_HTTP_ADDR: `127.0.0.1:${port}`,
        TIDEWATCH_DATA_DIR: join(work, 'data'),
        TIDEWATCH_LOG_FORMAT: 'json',
      },
      join(work, 'tidewatch.log'),
    );
    write(`demo ${id}: dashboard ${tidewatch.url}/`);
    write(`demo ${id}: token ${token}`);
    write(`demo ${id}: tidewatch log ${join(work, 'tidewatch.log')}`);
    for (const app of DEMO_APPS) write(`demo ${id}: container demo-${app.key}-${id}: ${app.about}`);
    write(
      `demo ${id}: a new image every ${options.pushEveryMs / 1000}s; Ctrl-C stops and removes everything`,
    );
    const pushes = schedulePushes(docker, registry.host, versions, labels, options);
    return finishOn(options, pushes, cleanup, write, id);
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

function schedulePushes(
  docker: Docker,
  registry: string,
  versions: Map<DemoApp['key'], number>,
  labels: Readonly<Record<string, string>>,
  options: DemoOptions,
): { stop(): Promise<void> } {
  let step = 0;
  let pushing: Promise<void> | undefined;
  const pushedIds = new Map<DemoApp['key'], string[]>();
  const timer = setInterval(() => {
    // One push at a time, in schedule order: on a loaded machine a build can outlast the period,
    // and two overlapping pushes of one tag could land out of order (the broken build hidden by
    // the good one before Tidewatch ever saw it). A tick that finds a push in flight is skipped.
    if (pushing !== undefined) return;
    const push = pushAt(step);
    step += 1;
    const version = (versions.get(push.app) ?? 1) + 1;
    versions.set(push.app, version);
    pushing = publish(docker, demoImage(registry, push.app, version, push.broken, labels))
      .then(
        async (imageId) => {
          options.write(`pushed ${push.app} v${version}${push.broken ? ' (broken on purpose)' : ''}`);
          const ids = pushedIds.get(push.app) ?? [];
          pushedIds.set(push.app, ids);
          ids.push(imageId);
          await forgetOldImages(docker, ids);
        },
        (error: unknown) => options.write(`push of ${push.app} v${version} failed: ${describeError(error)}`),
      )
      .finally(() => {
        pushing = undefined;
      });
  }, options.pushEveryMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await pushing;
    },
  };
}

function finishOn(
  options: DemoOptions,
  pushes: { stop(): Promise<void> },
  cleanup: () => Promise<void>,
  write: (line: string) => void,
  id: string,
): RunningDemo {
  let resolveStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStop = resolve));
  const timer = options.durationMs === undefined ? undefined : setTimeout(resolveStop, options.durationMs);
  options.signal.addEventListener('abort', resolveStop, { once: true });
  const done = stopped.then(async () => {
    clearTimeout(timer);
    write(`demo ${id}: stopping and cleaning up`);
    await pushes.stop();
    await cleanup();
    write(`demo ${id}: cleaned up`);
  });
  return { done, stop: resolveStop };
}

async function startApp(docker: Docker, registry: string, app: DemoApp, id: string): Promise<void> {
  const container = await docker.createContainer({
    name: `demo-${app.key}-${id}`,
    Image: `${registry}/tidewatch-demo-${app.key}:latest`,
    Labels: { ...app.labels, [DEMO_LABEL]: id, 'tidewatch.scope': `demo-${id}` },
    ...(app.healthcheck && { Healthcheck: app.healthcheck }),
  });
  await container.start();
}

/** Every container and image labelled with this demo, containers first (they use the images). */
export async function removeCreated(docker: Docker, id: string): Promise<void> {
  const filters = { label: [`${DEMO_LABEL}=${id}`] };
  for (const container of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(container.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }
  for (const image of await docker.listImages({ all: true, filters })) {
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
}
