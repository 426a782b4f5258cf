import type Docker from 'dockerode';
import type { DemoImage } from './images.js';

/** A demo container: what it runs and how Tidewatch is told to treat it (its labels). */
export interface DemoApp {
  readonly key: 'web' | 'api' | 'worker';
  /** What the banner says about it. */
  readonly about: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The health check Tidewatch waits for after an update (instead of the stability window). */
  readonly healthcheck?: Docker.HealthConfig;
}

const SECOND_NS = 1_000_000_000;

export const DEMO_APPS: readonly DemoApp[] = [
  {
    key: 'web',
    about: 'a web page with a health check: an update is verified by it, a broken build rolls back',
    labels: {},
    healthcheck: {
      Test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8000/'],
      Interval: 2 * SECOND_NS,
      Timeout: 2 * SECOND_NS,
      Retries: 2,
    },
  },
  {
    key: 'api',
    about: 'updated start-first: the new container runs beside the old before taking its name',
    labels: { 'tidewatch.strategy': 'start-first' },
  },
  { key: 'worker', about: 'a plain worker: verified by staying up through the stability window', labels: {} },
];

/** One push of the schedule: a new version of `app`, working or broken on purpose. */
export interface DemoPush {
  readonly app: DemoApp['key'];
  readonly broken: boolean;
}

// The second push breaks the web page, so a rollback shows within two pushes of the start.
const SCHEDULE: readonly DemoPush[] = [
  { app: 'web', broken: false },
  { app: 'web', broken: true },
  { app: 'api', broken: false },
  { app: 'worker', broken: false },
];

export function pushAt(step: number): DemoPush {
  return SCHEDULE[step % SCHEDULE.length] ?? { app: 'web', broken: false };
}

/** The image of `app` at `version`: a working one, or one whose process exits at once. */
export function demoImage(
  registry: string,
  app: DemoApp['key'],
  version: number,
  broken: boolean,
  labels: Readonly<Record<string, string>>,
): DemoImage {
  const ref = `${registry}/tidewatch-demo-${app}:latest`;
  const page = `<h1>Tidewatch demo: ${app} v${version}</h1>\n`;
  if (broken) {
    return {
      ref,
      page,
      labels,
      cmd: ['sh', '-c', `echo "demo ${app} v${version}: broken on purpose, exiting" >&2; exit 1`],
    };
  }
  const cmd =
    app === 'worker'
      ? ['sh', '-c', `while true; do echo "worker v${version} working"; sleep 5; done`]
      : ['httpd', '-f', '-p', '8000', '-h', '/www'];
  return { ref, page, labels, cmd };
}
