import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { API_ROLES, type ApiRole, type ApiTokens } from '../store/index.js';

/**
 * Who may call a route:
 * - `public`: anyone (health probes);
 * - `read`: a token (any role) when one is set, anyone otherwise (the API listens on loopback by
 *   default);
 * - `metrics`: as `read`, but anyone with --metrics-public;
 * - `mutate`: an operator or admin token, always; without any token configured the route is not
 *   served (403 token-required);
 * - `webhook`: the route checks the sender itself (a shared secret or the sender's signature).
 */
export type Access = 'public' | 'read' | 'metrics' | 'mutate' | 'webhook';

export interface AuthSettings {
  /** --api-token: an admin token. */
  readonly token?: string | undefined;
  readonly metricsPublic: boolean;
  /** Named tokens with roles (`tidewatch token create`); absent: --api-token alone. */
  readonly tokens?: Pick<ApiTokens, 'holderOf' | 'any'> | undefined;
}

export type DenialCode = 'unauthorized' | 'token-required' | 'csrf-required' | 'forbidden';

export type Denial = { readonly code: DenialCode; readonly message: string } | undefined;

/** The least role each access kind needs. */
const NEEDED: Record<'read' | 'metrics' | 'mutate', ApiRole> = {
  read: 'viewer',
  metrics: 'viewer',
  mutate: 'operator',
};

const rank = (role: ApiRole): number => API_ROLES.indexOf(role);

/** How a request proves itself besides a bearer token: the dashboard's session cookie. */
export interface SessionProof {
  /** The request carries a valid session cookie. */
  readonly valid: boolean;
  /** It also carries the CSRF header (required for changes made through a cookie). */
  readonly csrfHeader: boolean;
}

/**
 * Compares secrets in constant time. Both sides are hashed first so they have the same length:
 * timingSafeEqual needs that, and comparing lengths first would leak the secret's length.
 */
export function secretsEqual(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header; undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Whether a request with this Authorization header (or session cookie) may call a route of this
 * access kind. A cookie is sent by the browser on its own, so a change made through one must also
 * carry the CSRF header, which a cross-site form or image cannot set.
 */
export function checkAccess(
  access: Access,
  settings: AuthSettings,
  authorization: string | undefined,
  session: SessionProof = { valid: false, csrfHeader: false },
): Denial {
  return authenticate(access, settings, authorization, session).denial;
}

/** A request's verdict, and who holds the named token it came with (undefined for any other). */
export interface Authentication {
  readonly denial: Denial;
  readonly holder?: string | undefined;
}

/** checkAccess, also naming the holder: one token lookup per request answers both. */
export function authenticate(
  access: Access,
  settings: AuthSettings,
  authorization: string | undefined,
  session: SessionProof = { valid: false, csrfHeader: false },
): Authentication {
  const deny = (denial: Denial): Authentication => ({ denial });
  const { token } = settings;
  // Asked for each request: a token created or revoked with the CLI counts from the next one.
  const guarded = token !== undefined || settings.tokens?.any() === true;
  switch (access) {
    case 'public':
    case 'webhook':
      return deny(undefined);
    case 'metrics':
      if (settings.metricsPublic) return deny(undefined);
      break;
    case 'read':
      break;
    case 'mutate':
      if (!guarded) {
        return deny({
          code: 'token-required',
          message:
            'routes that change anything are served only with an API token (--api-token, TIDEWATCH_API_TOKEN or tidewatch token create)',
        });
      }
      break;
  }
  if (!guarded) return deny(undefined);
  const given = bearerToken(authorization);
  if (given === undefined && session.valid) {
    if (access === 'mutate' && !session.csrfHeader) {
      return deny({
        code: 'csrf-required',
        message: 'a change made with a session cookie needs the X-Tidewatch-Csrf header',
      });
    }
    return deny(undefined);
  }
  if (given === undefined)
    return deny({ code: 'unauthorized', message: 'an Authorization: Bearer token is required' });
  const holder = holderOf(settings, given);
  if (holder === undefined) return deny({ code: 'unauthorized', message: 'the bearer token is wrong' });
  const needed = NEEDED[access];
  if (rank(holder.role) < rank(needed))
    return deny({
      code: 'forbidden',
      message: `this is a ${holder.role} token; the route needs ${needed} or admin`,
    });
  return { denial: undefined, holder: holder.name };
}

/** --api-token is admin (and nobody's in particular); a named token has its holder and role. */
function holderOf(
  settings: AuthSettings,
  given: string,
): { readonly name?: string; readonly role: ApiRole } | undefined {
  if (settings.token !== undefined && secretsEqual(settings.token, given)) return { role: 'admin' };
  return settings.tokens?.holderOf(given);
}

/**
 * Checks a `sha256=<hex>` signature of `body` (GitHub's X-Hub-Signature-256: an HMAC-SHA256 of the
 * raw body with the webhook's secret), in constant time.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function hmacSignatureValid(secret: string, body: string, header: string | undefined): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec((header ?? '').trim());
  if (!match?.[1]) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}
