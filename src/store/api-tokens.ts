import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { withStoreTransaction } from './side-door.js';

/**
 * What a token may do (docs/security.md): `viewer` reads; `operator` also checks, updates, rolls
 * back and votes; `admin` also manages tokens and configuration. The --api-token is an admin token.
 */
export const API_ROLES = ['viewer', 'operator', 'admin'] as const;
export const ApiRole = z.enum(API_ROLES);
export type ApiRole = z.infer<typeof ApiRole>;

/** A named token as `token list` shows it: never the token itself. */
export interface ApiTokenRecord {
  readonly name: string;
  readonly role: ApiRole;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/**
 * Named API tokens. Only a token's sha256 is kept: a token is 32 random bytes, so a plain hash
 * cannot be reversed, and a stolen database lets nobody call the API.
 */
export interface ApiTokens {
  /** A new token for `name`, replacing (and so revoking) the one it had. Shown once. */
  create(name: string, role: ApiRole): string;
  /** Whose token this is, and its role; undefined when unknown or revoked. */
  holderOf(token: string): { readonly name: string; readonly role: ApiRole } | undefined;
  /** Whether any token is live: then the API asks for one even without --api-token. */
  any(): boolean;
  list(): ApiTokenRecord[];
  /** false when `name` has no live token. */
  revoke(name: string): boolean;
}

const TOKEN_PREFIX = 'twa_';

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

const Row = z.object({
  name: z.string(),
  role: ApiRole,
  created_at: z.number(),
  revoked_at: z.number().nullable(),
});

export function createApiTokens(db: Database.Database, clock: Clock): ApiTokens {
  const upsert = db.prepare(
    `INSERT INTO api_tokens (name, role, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, NULL)
     ON CONFLICT (name) DO UPDATE SET role = excluded.role, token_hash = excluded.token_hash,
       created_at = excluded.created_at, revoked_at = NULL`,
  );
  // The lookup is by the hash of a 256-bit random token: nothing about it can be timed out of it.
  const byHash = db.prepare('SELECT name, role FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL');
  const live = db.prepare('SELECT 1 FROM api_tokens WHERE revoked_at IS NULL LIMIT 1').pluck();
  const all = db.prepare('SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY name');
  const revoke = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL');
  return {
    create(name, role) {
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      upsert.run(name, role, hashOf(token), clock());
      return token;
    },
    holderOf(token) {
      return z
        .object({ name: z.string(), role: ApiRole })
        .optional()
        .parse(byHash.get(hashOf(token)));
    },
    any: () => live.get() !== undefined,
    list: () =>
      all.all().map((row) => {
        const parsed = Row.parse(row);
        return {
          name: parsed.name,
          role: parsed.role,
          createdAt: parsed.created_at,
          revokedAt: parsed.revoked_at,
        };
      }),
    revoke: (name) => revoke.run(clock(), name).changes > 0,
  };
}

/** `token create|list|revoke`, next to a running daemon (see withStoreTransaction). */
export function withApiTokens<T>(file: string, clock: Clock, use: (tokens: ApiTokens) => T): T {
  return withStoreTransaction(file, (db) => use(createApiTokens(db, clock)));
}
