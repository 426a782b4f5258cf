import { setTimeout as sleep } from 'node:timers/promises';

/** Query marking the lab's own requests (readiness, flush) so they stay out of requests(). */
export const INTERNAL_QUERY = 'tidewatch-lab=';

export function isInternalPath(path: string): boolean {
  return path.startsWith(`/v2/?${INTERNAL_QUERY}`);
}

/**
 * Polls `GET /v2/` until the registry answers 200 (open) or 401 (htpasswd), the API version check
 * of https://distribution.github.io/distribution/spec/api/#api-version-check. Gives up early when
 * `failure()` reports that the registry exited.
 */
export async function waitForRegistry(
  url: string,
  failure: () => string | undefined,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failed = failure();
    if (failed !== undefined) throw new Error(`registry did not start: ${failed}`);
    try {
      const response = await fetch(`${url}/v2/?${INTERNAL_QUERY}ready`, {
        signal: AbortSignal.timeout(1_000),
      });
      await response.arrayBuffer();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`registry at ${url} did not answer GET /v2/ within ${timeoutMs} ms`);
    await sleep(50);
  }
}
