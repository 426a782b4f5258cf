import { Memo } from './memo.js';

export interface CachedToken {
  readonly token: string;
  /** Epoch ms after which the token is not used any more (a little before it really expires). */
  readonly expiresAt: number;
}

// Tokens live 60 s when the server does not say (distribution token spec, `expires_in`).
const DEFAULT_LIFETIME_S = 60;
// Refresh this long before expiry so a request never leaves with a token that dies on the way.
const EXPIRY_MARGIN_MS = 10_000;

/**
 * When a token stops being used. `issued_at` is honoured only when it is in the recent past: a
 * server clock ahead of ours must not stretch a token's life, and one far behind must not make
 * every token look expired.
 */
export function tokenExpiry(now: number, expiresInSeconds?: number, issuedAt?: string): number {
  const lifetime = (expiresInSeconds ?? DEFAULT_LIFETIME_S) * 1000;
  const issued = issuedAt === undefined ? Number.NaN : Date.parse(issuedAt);
  const start = Number.isFinite(issued) && issued <= now && issued > now - lifetime ? issued : now;
  return start + lifetime - Math.min(EXPIRY_MARGIN_MS, lifetime / 2);
}

/**
 * Bearer tokens by registry + scope, shared by every session of a client until they expire.
 * Concurrent misses for one key fetch one token.
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Memo<CachedToken>();

  constructor(private readonly now: () => number) {}

  /** A live cached token, if any. */
  peek(key: string): CachedToken | undefined {
    const cached = this.tokens.get(key);
    if (cached === undefined) return undefined;
    if (cached.expiresAt > this.now()) return cached;
    this.tokens.delete(key);
    return undefined;
  }

  async get(
    key: string,
    signal: AbortSignal,
    fetchToken: (signal: AbortSignal) => Promise<CachedToken>,
  ): Promise<string> {
    const cached = this.peek(key);
    if (cached !== undefined) return cached.token;
    const fresh = await this.inflight.get(key, signal, async (shared, forget) => {
      try {
        const token = await fetchToken(shared);
        this.tokens.set(key, token);
        return token;
      } finally {
        // The memo only joins concurrent fetches; the map above is what remembers tokens.
        forget();
      }
    });
    return fresh.token;
  }

  /** Forgets a token the registry refused, so the next request fetches a new one. */
  invalidate(key: string, token: string): void {
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }
}
