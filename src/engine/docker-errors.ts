import { TidewatchError, describeError } from '../domain/errors.js';

/** How a dockerode failure becomes a Tidewatch error: the HTTP status and the engine's own words. */

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether the thing asked for is not there: a 404, or Podman's 500 for a container removed while
 * it answered (`... does not exist in database: no such container`), which Docker reports as 404.
 */
export function isNotFound(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 404) return true;
  return status === 500 && /no such (container|image)$/i.test(engineMessage(error));
}

/** The engine's own message from a dockerode error (its `json.message`), else the error's. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message.trim();
  return describeError(error);
}

export function engineError(action: string, error: unknown): TidewatchError {
  return new TidewatchError('engine-error', `${action}: ${engineMessage(error)}`, { cause: error });
}
