import type { ErrorCode } from '../domain/error-codes.js';
import { TidewatchError } from '../domain/errors.js';

/** The codes of a registry failure: those of the one error table that start with `registry-`. */
export type RegistryErrorCode = Extract<ErrorCode, `registry-${string}`>;

/**
 * An expected registry outcome (401, 404, 429, 5xx, garbage) on its way up to `resolve`, which
 * turns it into an `error` Resolution. Thrown internally only so that deep helpers stay simple.
 */
export class RegistryFailure extends TidewatchError {
  declare readonly code: RegistryErrorCode;

  constructor(code: RegistryErrorCode, message: string, options?: { cause?: unknown }) {
    // Messages end up in one-line outcome reasons and logs.
    super(code, message.replace(/\s*\n\s*/g, ' '), options);
    this.name = 'RegistryFailure';
  }
}

/** Maps an unexpected HTTP status to a failure; `what` names the request ("manifest of app:1"). */
export function statusFailure(status: number, what: string): RegistryFailure {
  if (status === 401 || status === 403) {
    return new RegistryFailure('registry-unauthorized', `${what}: access denied (HTTP ${status})`);
  }
  if (status === 404) return new RegistryFailure('registry-not-found', `${what}: not found (HTTP 404)`);
  if (status === 429) return new RegistryFailure('registry-rate-limited', `${what}: rate limited (HTTP 429)`);
  if (status >= 500)
    return new RegistryFailure('registry-unavailable', `${what}: server error (HTTP ${status})`);
  return new RegistryFailure('registry-bad-response', `${what}: unexpected HTTP ${status}`);
}
