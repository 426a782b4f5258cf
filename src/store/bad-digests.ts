import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from './clock.js';

export interface BadDigest {
  readonly containerName: string;
  readonly digest: string;
  readonly reason: string;
  /** Epoch ms of the last time it was recorded. */
  readonly recordedAt: number;
}

/** Digests an update was rolled back from, per container: never deployed to it again automatically. */
export interface BadDigests {
  remember(container: string, digest: string, reason: string): void;
  isBad(container: string, digest: string): boolean;
  /** Forgets every bad digest of `container` (after a fix, by the user); returns how many. */
  forget(container: string): number;
  /** Newest first. */
  list(container: string): BadDigest[];
}

const BadDigestRow = z.object({
  container_name: z.string(),
  digest: z.string(),
  reason: z.string(),
  recorded_at: z.number().int(),
});

export function createBadDigests(db: Database, clock: Clock): BadDigests {
  // Remembering a digest again refreshes its reason and time: the latest failure is the relevant one.
  const upsert = db.prepare(`INSERT INTO bad_digests (container_name, digest, reason, recorded_at)
    VALUES (?, ?, ?, ?)
    ON CONFLICT (container_name, digest) DO UPDATE SET reason = excluded.reason, recorded_at = excluded.recorded_at`);
  const exists = db.prepare('SELECT 1 FROM bad_digests WHERE container_name = ? AND digest = ?').pluck();
  const remove = db.prepare('DELETE FROM bad_digests WHERE container_name = ?');
  const select = db.prepare(
    'SELECT * FROM bad_digests WHERE container_name = ? ORDER BY recorded_at DESC, digest',
  );

  return {
    remember: (container, digest, reason) => {
      upsert.run(container, digest, reason, clock());
    },
    isBad: (container, digest) => exists.get(container, digest) !== undefined,
    forget: (container) => remove.run(container).changes,
    list: (container) =>
      select.all(container).map((value) => {
        const row = BadDigestRow.parse(value);
        return {
          containerName: row.container_name,
          digest: row.digest,
          reason: row.reason,
          recordedAt: row.recorded_at,
        };
      }),
  };
}
