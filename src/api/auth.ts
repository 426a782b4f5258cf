import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { API_ROLES, type ApiRole, type ApiTokens } from '../store/index.js';
import type { SessionPerson } from './sessions.js';

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
  /** OIDC sign-in is configured (--oidc-issuer): people can sign in, so the API is guarded. */
  readonly oidc?: boolean | undefined;
}

/**
 * Whether the API asks who is calling: with --api-token, a live named token or OIDC sign-in. Asked
 * for each request: a token created or revoked with the CLI counts from the next one.
 */
export function isGuarded(settings: AuthSettings): boolean {
  return settings.token !== undefined || settings.oidc === true || settings.tokens?.any() === true;
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
  /** Who the request's valid session cookie belongs to; undefined without one. */
  readonly person: SessionPerson | undefined;
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
  session: SessionProof = { person: undefined, csrfHeader: false },
): Denial {
  return authenticate(access, settings, authorization, session).denial;
}

/**
 * A request's verdict, and who made it: the holder of its named token or the person of its session
 * (undefined for the shared --api-token, and without any).
 */
export interface Authentication {
  readonly denial: Denial;
  readonly holder?: string | undefined;
}

/** checkAccess, also naming the holder: one token lookup per request answers both. */
export function authenticate(
  access: Access,
  settings: AuthSettings,
  authorization: string | undefined,
  session: SessionProof = { person: undefined, csrfHeader: false },
): Authentication {
  const deny = (denial: Denial): Authentication => ({ denial });
  const guarded = isGuarded(settings);
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
  if (given === undefined && session.person !== undefined) {
    if (access === 'mutate' && !session.csrfHeader) {
      return deny({
        code: 'csrf-required',
        message: 'a change made with a session cookie needs the X-Tidewatch-Csrf header',
      });
    }
    return withRole(access, session.person, 'session');
  }
  if (given === undefined)
    return deny({ code: 'unauthorized', message: 'an Authorization: Bearer token is required' });
  const holder = holderOf(settings, given);
  if (holder === undefined) return deny({ code: 'unauthorized', message: 'the bearer token is wrong' });
  return withRole(access, holder, 'token');
}

/** A known caller may call a route when their role is at least the one it needs. */
function withRole(
  access: 'read' | 'metrics' | 'mutate',
  who: SessionPerson,
  proof: 'token' | 'session',
): Authentication {
  const needed = NEEDED[access];
  if (rank(who.role) < rank(needed))
    return {
      denial: {
        code: 'forbidden',
        message: `this is a ${who.role} ${proof}; the route needs ${needed} or admin`,
      },
    };
  return { denial: undefined, holder: who.name };
}

/** --api-token is admin (and nobody's in particular); a named token has its holder and role. */
export function holderOf(settings: AuthSettings, given: string): SessionPerson | undefined {
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
