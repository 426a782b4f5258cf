import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { withStoreTransaction } from './side-door.js';

/** A member's token as `fleet token list` shows it: never the token itself. */
export interface FleetTokenRecord {
  readonly member: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/**
 * The controller's member tokens. Only a token's sha256 is kept: a token is 32 random bytes, so a
 * plain hash cannot be reversed, and a stolen database lets nobody connect as a member.
 */
export interface FleetTokens {
  /** A new token for `member`, replacing (and so revoking) the one it had. Shown once. */
  create(member: string): string;
  /** The member a token belongs to; undefined when unknown or revoked. */
  memberOf(token: string): string | undefined;
  list(): FleetTokenRecord[];
  /** false when the member has no live token. */
  revoke(member: string): boolean;
}

/** A digest a rollback somewhere in the fleet marked bad for every member. */
export interface FleetBadDigest {
  readonly ref: string;
  readonly digest: string;
  readonly member: string;
  readonly reason: string;
  readonly at: number;
}

export interface FleetBadDigests {
  mark(entry: Omit<FleetBadDigest, 'at'>): void;
  list(): FleetBadDigest[];
}

const TOKEN_PREFIX = 'twm_';

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

const TokenRow = z.object({
  member: z.string(),
  created_at: z.number(),
  revoked_at: z.number().nullable(),
});

export function createFleetTokens(db: Database.Database, clock: Clock): FleetTokens {
  const upsert = db.prepare(
    `INSERT INTO fleet_tokens (member, token_hash, created_at, revoked_at) VALUES (?, ?, ?, NULL)
     ON CONFLICT (member) DO UPDATE SET token_hash = excluded.token_hash,
       created_at = excluded.created_at, revoked_at = NULL`,
  );
  const byHash = db.prepare(
    'SELECT member, token_hash FROM fleet_tokens WHERE token_hash = ? AND revoked_at IS NULL',
  );
  const all = db.prepare('SELECT member, created_at, revoked_at FROM fleet_tokens ORDER BY member');
  const revoke = db.prepare('UPDATE fleet_tokens SET revoked_at = ? WHERE member = ? AND revoked_at IS NULL');
  return {
    create(member) {
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      upsert.run(member, hashOf(token), clock());
      return token;
    },
    memberOf(token) {
      const hash = hashOf(token);
      const row = z.object({ member: z.string(), token_hash: z.string() }).optional().parse(byHash.get(hash));
      // The lookup is by hash already; the constant-time compare keeps it so if the index is not used.
      if (!row || !timingSafeEqual(Buffer.from(row.token_hash), Buffer.from(hash))) return undefined;
      return row.member;
    },
    list: () =>
      all.all().map((row) => {
        const parsed = TokenRow.parse(row);
        return { member: parsed.member, createdAt: parsed.created_at, revokedAt: parsed.revoked_at };
      }),
    revoke: (member) => revoke.run(clock(), member).changes > 0,
  };
}

const BadRow = z.object({
  ref: z.string(),
  digest: z.string(),
  member: z.string(),
  reason: z.string(),
  at: z.number(),
});

export function createFleetBadDigests(db: Database.Database, clock: Clock): FleetBadDigests {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO fleet_bad_digests (ref, digest, member, reason, at) VALUES (?, ?, ?, ?, ?)',
  );
  const all = db.prepare('SELECT ref, digest, member, reason, at FROM fleet_bad_digests ORDER BY at');
  return {
    mark: (entry) => {
      insert.run(entry.ref, entry.digest, entry.member, entry.reason, clock());
    },
    list: () => all.all().map((row) => BadRow.parse(row)),
  };
}

/**
 * `fleet token create|list|revoke`, next to a running controller or before it ever ran (see
 * withStoreTransaction); the controller reads tokens from the database at each connection, so a
 * revoked token is refused from the next request on.
 */
export function withFleetTokens<T>(file: string, clock: Clock, use: (tokens: FleetTokens) => T): T {
  return withStoreTransaction(file, (db) => use(createFleetTokens(db, clock)));
}
