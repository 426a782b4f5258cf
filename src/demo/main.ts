/**
 * `npm run demo`: a local registry, three demo containers and Tidewatch with its dashboard; a new
 * image is pushed every 30 s (one of them broken on purpose, so a rollback shows). Ctrl-C stops
 * it and removes everything it created. Options: --duration <seconds> (or TIDEWATCH_DEMO_DURATION)
 * stops it by itself; --push-every <seconds>; --port <port> for the dashboard (default 8080).
 */
import { parseArgs } from 'node:util';
import { describeError } from '../domain/errors.js';
import { startDemo } from './demo.js';

const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function seconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new Error(`${name} must be a positive number of seconds`);
  return parsed * 1000;
}

// Installed first: a Ctrl-C during the setup also cleans up what was made so far.
const interrupted = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => interrupted.abort());

try {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      'push-every': { type: 'string' },
      port: { type: 'string' },
    },
  });
  const demo = await startDemo({
    durationMs: seconds(values.duration ?? process.env.TIDEWATCH_DEMO_DURATION, '--duration'),
    pushEveryMs: seconds(values['push-every'], '--push-every') ?? 30_000,
    port: Number(values.port ?? 8080),
    write,
    signal: interrupted.signal,
  });
  await demo.done;
} catch (error) {
  if (interrupted.signal.aborted) {
    write('demo: interrupted during setup; what it made is removed');
  } else {
    process.stderr.write(`demo: ${describeError(error)}\n`);
    process.exitCode = 1;
  }
}
