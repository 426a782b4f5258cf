import { randomBytes } from 'node:crypto';
import type * as OpenId from 'openid-client';
import type { OidcRules, OidcVerdict } from './oidc-people.js';
import { oidcPersonOf } from './oidc-people.js';

/** A sign-in started at the provider must come back within this (the provider's login form). */
const PENDING_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 1000;
/** Seconds for each request to the provider (discovery, code exchange, keys). */
const PROVIDER_TIMEOUT_S = 10;

export interface OidcSettings extends OidcRules {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
  /** The callback's public URL; undefined: derived from each request's own address. */
  readonly redirectUrl?: string | undefined;
}

interface Pending {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly redirectUri: string;
  readonly expiry: number;
}

/**
 * OpenID Connect sign-in with the authorization code flow, PKCE, state and nonce, all checked by
 * openid-client (the provider's discovery document, the ID token's signature, issuer, audience,
 * expiry and nonce): Tidewatch verifies no token itself. What a sign-in needs between the redirect
 * and the callback stays here, keyed by a random id the browser holds in a cookie, so a callback
 * only completes in the browser that started it (no login CSRF).
 */
export class OidcSignIn {
  private readonly pending = new Map<string, Pending>();
  private config: Promise<OpenId.Configuration> | undefined;

  constructor(
    private readonly settings: OidcSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get issuer(): string {
    return this.settings.issuer;
  }

  /** The provider's authorization URL for a new sign-in, and the id of its pending state. */
  async begin(requestUrl: string): Promise<{ readonly id: string; readonly url: string }> {
    const client = await loadClient();
    const config = await this.configuration(client);
    this.prune();
    const redirectUri = this.settings.redirectUrl ?? new URL('/auth/oidc/callback', requestUrl).href;
    const pending: Pending = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      redirectUri,
      expiry: this.now() + PENDING_TTL_MS,
    };
    const id = randomBytes(32).toString('base64url');
    this.pending.set(id, pending);
    const scopes = [
      'openid',
      'profile',
      'email',
      ...(this.settings.allowedGroups.length > 0 ? ['groups'] : []),
    ];
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { id, url: url.href };
  }

  /**
   * Completes the sign-in `id` with the provider's answer (the callback's query): exchanges the
   * code, has the ID token checked, then applies the allow-lists. Each pending id is used once.
   */
  async finish(id: string | undefined, requestUrl: string): Promise<OidcVerdict> {
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (id !== undefined) this.pending.delete(id);
    if (pending === undefined || pending.expiry <= this.now())
      return { ok: false, reason: 'this sign-in was not started here, or took too long: start again' };
    const client = await loadClient();
    const config = await this.configuration(client);
    // The registered redirect URI with the provider's answer: the token request must name the
    // same URI the authorization request did, whatever address this request came in on.
    const current = new URL(pending.redirectUri);
    current.search = new URL(requestUrl).search;
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (claims === undefined) return { ok: false, reason: 'the provider sent no ID token' };
    return oidcPersonOf(claims, this.settings);
  }

  /** Discovery once, at the first sign-in; a failure is not kept, so the next sign-in tries again. */
  private configuration(client: typeof OpenId): Promise<OpenId.Configuration> {
    this.config ??= discover(client, this.settings).catch((error: unknown) => {
      this.config = undefined;
      throw error;
    });
    return this.config;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, pending] of this.pending) if (pending.expiry <= now) this.pending.delete(id);
    if (this.pending.size >= MAX_PENDING) {
      // The oldest goes: a flood of started sign-ins cannot grow memory without bound.
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
  }
}

/** Loaded at the first sign-in: a daemon without OIDC never parses it (see scripts/bundle.js). */
function loadClient(): Promise<typeof OpenId> {
  return import('openid-client');
}

async function discover(client: typeof OpenId, settings: OidcSettings): Promise<OpenId.Configuration> {
  const issuer = new URL(settings.issuer);
  const auth =
    settings.clientSecret === undefined ? client.None() : client.ClientSecretBasic(settings.clientSecret);
  // Plain http is accepted by the options only on loopback (config/options/oidc.ts).
  const insecure = issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [];
  const config = await client.discovery(issuer, settings.clientId, undefined, auth, {
    execute: insecure,
    timeout: PROVIDER_TIMEOUT_S,
  });
  config.timeout = PROVIDER_TIMEOUT_S;
  return config;
}
