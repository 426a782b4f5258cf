import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from './clock.js';

/** When each digest was first seen for a container or image reference (for cooldowns, "new" notices). */
export interface SeenDigests {
  /** Records `digest` for `ref` if it is new; returns when it was first seen (epoch ms). */
  markSeen(ref: string, digest: string): number;
}

export function createSeenDigests(db: Database, clock: Clock): SeenDigests {
  // INSERT OR IGNORE keeps the first time; a second sighting writes nothing.
  const insert = db.prepare(
    'INSERT OR IGNORE INTO seen_digests (ref, digest, first_seen_at) VALUES (?, ?, ?)',
  );
  const firstSeen = db.prepare('SELECT first_seen_at FROM seen_digests WHERE ref = ? AND digest = ?').pluck();
  const mark = db.transaction((ref: string, digest: string): number => {
    insert.run(ref, digest, clock());
    return z.number().int().parse(firstSeen.get(ref, digest));
  });
  return { markSeen: (ref, digest) => mark.immediate(ref, digest) };
}
