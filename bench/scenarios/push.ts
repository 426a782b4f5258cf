import { buildAndPush, runContainer, uniqueName, type LabRegistry } from '../../test/lab/index.js';
import { publishUpdate } from '../../test/support/images.js';
import { TOKEN, percentile, round, startBenchDaemon } from '../support/daemon.js';
import { followEvents, type SseEvent } from '../support/sse.js';

export interface PushResult {
  readonly pushes: number;
  readonly verifyWindowMs: number;
  /** Webhook delivered → new container started (verify window excluded). */
  readonly runningP50Ms: number;
  readonly runningP95Ms: number;
  /** Webhook delivered → update committed (verify window included). */
  readonly committedP50Ms: number;
  readonly committedP95Ms: number;
  readonly runningMs: readonly number[];
  readonly committedMs: readonly number[];
}

// Exits at once on SIGTERM, as a well-behaved service does, so the stop is not the stop timeout.
const SERVE = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

/**
 * A push, told to `tidewatch run` by a registry notification (the Distribution envelope, posted
 * to /api/v1/webhooks/registry as the registry would), until the container runs the new image
 * and until that update is committed; timestamps are the daemon's own update-step events.
 */
export async function measurePushToRunning(
  registry: LabRegistry,
  pushes: number,
  verifyWindowMs: number,
): Promise<PushResult> {
  const scope = uniqueName('bench-push-scope');
  const repository = uniqueName('bench-push');
  const image = `${registry.host}/${repository}:latest`;
  const name = uniqueName('bench-push');
  await buildAndPush(image, { cmd: SERVE, env: ['VERSION=0'] });
  await runContainer(name, image, { Labels: { 'tidewatch.scope': scope } });
  const daemon = await startBenchDaemon([
    '--scope',
    scope,
    '--interval',
    '1h',
    '--no-startup-check',
    '--verify-window',
    `${verifyWindowMs}ms`,
  ]);
  const controller = new AbortController();
  const waiters: Array<(event: SseEvent) => void> = [];
  try {
    await followEvents(
      `${daemon.url}/api/v1/events?types=update-step`,
      TOKEN,
      (event) => {
        for (const waiter of waiters) waiter(event);
      },
      controller.signal,
    );
    const runningMs: number[] = [];
    const committedMs: number[] = [];
    for (let version = 1; version <= pushes; version++) {
      const { digest } = await publishUpdate(image, { cmd: SERVE, env: [`VERSION=${version}`] });
      const states = new Map<string, number>();
      const finished = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`push ${version}: no outcome within 60 s`)), 60_000);
        waiters[0] = (event) => {
          const update = event.data.update as { containerName?: string; state?: string } | undefined;
          if (update?.containerName !== name || update.state === undefined) return;
          states.set(update.state, Number(event.data.at));
          if (['committed', 'rolled-back', 'failed'].includes(update.state)) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      const sent = Date.now();
      await daemon.post('/api/v1/webhooks/registry', {
        events: [
          {
            action: 'push',
            target: {
              mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
              repository,
              tag: 'latest',
              digest,
            },
            request: { host: registry.host },
          },
        ],
      });
      await finished;
      const started = states.get('new-started');
      const committed = states.get('committed');
      if (started === undefined || committed === undefined)
        throw new Error(`push ${version} was not committed: ${[...states.keys()].join(', ')}`);
      runningMs.push(started - sent);
      committedMs.push(committed - sent);
    }
    return {
      pushes,
      verifyWindowMs,
      runningP50Ms: round(percentile(runningMs, 50), 0),
      runningP95Ms: round(percentile(runningMs, 95), 0),
      committedP50Ms: round(percentile(committedMs, 50), 0),
      committedP95Ms: round(percentile(committedMs, 95), 0),
      runningMs,
      committedMs,
    };
  } finally {
    controller.abort();
    await daemon.stop();
  }
}
