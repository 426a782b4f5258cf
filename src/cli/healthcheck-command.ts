import { describeError } from '../domain/errors.js';

/** Docker runs the probe every interval: it must answer well inside the HEALTHCHECK timeout (5 s). */
const PROBE_TIMEOUT_MS = 3000;

/** Where to probe the API that `run` serves on `httpAddr` (see apiUrl). */
export function healthzUrl(httpAddr: string): string | undefined {
  const base = apiUrl(httpAddr);
  return base === undefined ? undefined : `${base}/healthz`;
}

/**
 * The API that `run` serves on `httpAddr`, as a command on the same host reaches it: a wildcard
 * address (`0.0.0.0`, `::`, or none) is reached over loopback.
 */
export function apiUrl(httpAddr: string): string | undefined {
  if (httpAddr === 'off') return undefined;
  const colon = httpAddr.lastIndexOf(':');
  const host = httpAddr.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = httpAddr.slice(colon + 1);
  const target =
    host === '' || host === '0.0.0.0'
      ? '127.0.0.1'
      : host === '::'
        ? '[::1]'
        : host.includes(':')
          ? `[${host}]`
          : host;
  return `http://${target}:${port}`;
}

/** fetch says only "fetch failed": the system's reason is in its cause (`connect ECONNREFUSED 127.0.0.1:8080`). */
function rootCause(error: unknown): string {
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause !== undefined) cause = cause.cause;
  return describeError(cause);
}

/**
 * `tidewatch healthcheck`: the image's HEALTHCHECK. GET /healthz on the configured --http-addr;
 * exit 0 on 200, 1 otherwise with one line saying why. With the API off by configuration there is
 * nothing to probe, and nothing is wrong: exit 0 with a line saying so (a container that turned
 * the API off must not be marked unhealthy, and so rolled back by an updater). Runs node only (no
 * npm, no shell), so it costs one short process per probe.
 */
export async function healthcheckCommand(
  httpAddr: string,
  writeError: (text: string) => void,
): Promise<number> {
  const url = healthzUrl(httpAddr);
  if (url === undefined) {
    writeError('tidewatch: the HTTP API is off (--http-addr off): there is nothing to probe\n');
    return 0;
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.arrayBuffer();
    if (response.status === 200) return 0;
    writeError(`tidewatch: ${url} answered ${response.status}\n`);
  } catch (error) {
    writeError(`tidewatch: ${url} did not answer: ${rootCause(error)}\n`);
  }
  return 1;
}
