import type { Database } from 'better-sqlite3';
import type { Clock } from './clock.js';

/**
 * What notifications already said about a container and digest: an update available, a skip, a
 * container first seen up to date (for Home Assistant's state). Said once, never again each cycle.
 */
export type AnnouncementKind = 'available' | 'skipped' | 'current';

export interface Announced {
  /** Records the announcement; true when it is new, false when it was made before. */
  claim(container: string, kind: AnnouncementKind, digest: string): boolean;
  has(container: string, kind: AnnouncementKind, digest: string): boolean;
}

export function createAnnounced(db: Database, clock: Clock): Announced {
  // INSERT OR IGNORE: a second claim writes nothing, and `changes` says which one was first.
  const insert = db.prepare(
    'INSERT OR IGNORE INTO announced (container_name, kind, digest, announced_at) VALUES (?, ?, ?, ?)',
  );
  const exists = db
    .prepare('SELECT 1 FROM announced WHERE container_name = ? AND kind = ? AND digest = ?')
    .pluck();
  return {
    claim: (container, kind, digest) => insert.run(container, kind, digest, clock()).changes === 1,
    has: (container, kind, digest) => exists.get(container, kind, digest) !== undefined,
  };
}
