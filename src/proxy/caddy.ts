import { TidewatchError } from '../domain/errors.js';

export interface CaddyTarget {
  readonly admin: string;
  readonly handlerId: string;
}

const TIMEOUT_MS = 10_000;

/**
 * Points a Caddy reverse_proxy at one backend through the admin API: the handler's upstreams are
 * replaced by the one address (PATCH /id/<id>/upstreams, https://caddyserver.com/docs/api). Caddy
 * applies a new config gracefully: requests in flight finish on the old upstream.
 */
export async function pointCaddyAt(target: CaddyTarget, address: string): Promise<void> {
  const url = `${target.admin}/id/${encodeURIComponent(target.handlerId)}/upstreams`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ dial: address }]),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new TidewatchError('proxy-switch', `caddy admin API ${target.admin} did not answer: ${cause}`);
  }
  if (!response.ok) {
    const said = (await response.text().catch(() => '')).trim().slice(0, 300);
    throw new TidewatchError(
      'proxy-switch',
      `caddy admin API answered ${response.status} to PATCH ${url}: ${said}`,
    );
  }
}
