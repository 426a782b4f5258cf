import type { Credentials } from './types.js';

/**
 * How long a credential helper's answer may be reused. Helpers print no expiry, and the tokens
 * they hand out do expire (ECR after 12 h, Google's after 1 h), so an answer is kept 10 minutes:
 * short enough that a token refreshed by the helper is picked up soon, long enough that a busy
 * cycle asks the helper once. A 401 asks again sooner (see credentials.ts).
 */
export const HELPER_ANSWER_TTL_MS = 10 * 60_000;

// Re-ask this long before a known expiry, so a request never leaves with a token about to die.
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Epoch ms after which a helper's answer is asked for again: the default TTL, cut short by an
 * `ExpiresAt` the helper printed, or by the `exp` claim when the secret is a JWT.
 */
export function answerExpiry(credentials: Credentials, expiresAt: string | undefined, now: number): number {
  const known = [parseTime(expiresAt), jwtExpiry(credentials.password ?? credentials.identityToken)];
  let until = now + HELPER_ANSWER_TTL_MS;
  for (const at of known) {
    if (at !== undefined) until = Math.min(until, at - EXPIRY_MARGIN_MS);
  }
  // An answer that is already expired is still used for the request that asked for it.
  return Math.max(until, now);
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at;
}

/** The `exp` claim (seconds) of a JWT, in ms; undefined for anything that is not a JWT. */
export function jwtExpiry(secret: string | undefined): number | undefined {
  const parts = secret?.split('.');
  if (parts?.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
