import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from './clock.js';
import { BUSY_TIMEOUT_MS } from './open-common.js';

/** A bundle as history shows it (docs/offline.md). */
export interface BundleRecord {
  readonly seq: number;
  /** Null when the file was refused before its manifest could be read. */
  readonly bundleId: string | null;
  readonly file: string;
  readonly created: string | null;
  readonly receivedAt: number;
  readonly state: 'applied' | 'rejected';
  readonly reason: string | null;
  readonly images: { readonly ref: string; readonly digest: string }[];
  readonly bytes: number;
  /** What the updates it started did, per container; null until they ran. */
  readonly updated:
    { readonly container: string; readonly outcome: string; readonly reason?: string | undefined }[] | null;
}

export interface Bundles {
  recordApplied(
    entry: Omit<BundleRecord, 'seq' | 'receivedAt' | 'state' | 'reason' | 'updated'>,
    tags: { ref: string; blobs: string[] }[],
  ): number;
  recordRejected(
    entry: Pick<BundleRecord, 'file' | 'bytes' | 'bundleId' | 'created' | 'images'>,
    reason: string,
  ): number;
  setUpdated(seq: number, updated: NonNullable<BundleRecord['updated']>): void;
  /** Newest first. */
  list(limit?: number): BundleRecord[];
  appliedIds(): Set<string>;
  lastApplied(): { id: string; created: string } | undefined;
  /** Every blob the tags' current images need: what the blob cache keeps. */
  blobsInUse(): Set<string>;
}

const Row = z.object({
  seq: z.number(),
  bundle_id: z.string().nullable(),
  file: z.string(),
  created: z.string().nullable(),
  received_at: z.number(),
  state: z.enum(['applied', 'rejected']),
  reason: z.string().nullable(),
  images: z.string(),
  bytes: z.number(),
  updated: z.string().nullable(),
});

export function createBundles(db: Database.Database, clock: Clock): Bundles {
  const insert = db.prepare(
    `INSERT INTO bundles (bundle_id, file, created, received_at, state, reason, images, bytes)
     VALUES (@bundleId, @file, @created, @receivedAt, @state, @reason, @images, @bytes)`,
  );
  const tag = db.prepare(
    `INSERT INTO bundle_tags (ref, bundle_id, blobs) VALUES (?, ?, ?)
     ON CONFLICT (ref) DO UPDATE SET bundle_id = excluded.bundle_id, blobs = excluded.blobs`,
  );
  const update = db.prepare('UPDATE bundles SET updated = ? WHERE seq = ?');
  const select = db.prepare('SELECT * FROM bundles ORDER BY seq DESC LIMIT ?');
  const ids = db.prepare("SELECT bundle_id FROM bundles WHERE state = 'applied'").pluck();
  const last = db.prepare(
    "SELECT bundle_id, created FROM bundles WHERE state = 'applied' ORDER BY created DESC LIMIT 1",
  );
  const tagBlobs = db.prepare('SELECT blobs FROM bundle_tags').pluck();
  const row = (
    entry: Parameters<Bundles['recordRejected']>[0],
    state: string,
    reason: string | null,
  ): number =>
    Number(
      insert.run({
        bundleId: entry.bundleId,
        file: entry.file,
        created: entry.created,
        receivedAt: clock(),
        state,
        reason,
        images: JSON.stringify(entry.images),
        bytes: entry.bytes,
      }).lastInsertRowid,
    );
  return {
    recordApplied: db.transaction(
      (entry: Parameters<Bundles['recordApplied']>[0], tags: { ref: string; blobs: string[] }[]) => {
        const seq = row(entry, 'applied', null);
        for (const entryTag of tags) tag.run(entryTag.ref, entry.bundleId, JSON.stringify(entryTag.blobs));
        return seq;
      },
    ),
    recordRejected: (entry, reason) => row(entry, 'rejected', reason),
    setUpdated: (seq, updated) => void update.run(JSON.stringify(updated), seq),
    list: (limit = 100) =>
      select.all(limit).map((raw) => {
        const parsed = Row.parse(raw);
        return {
          seq: parsed.seq,
          bundleId: parsed.bundle_id,
          file: parsed.file,
          created: parsed.created,
          receivedAt: parsed.received_at,
          state: parsed.state,
          reason: parsed.reason,
          images: JSON.parse(parsed.images) as BundleRecord['images'],
          bytes: parsed.bytes,
          updated: parsed.updated === null ? null : (JSON.parse(parsed.updated) as BundleRecord['updated']),
        };
      }),
    appliedIds: () => new Set(z.array(z.string()).parse(ids.all())),
    lastApplied: () => {
      const found = z.object({ bundle_id: z.string(), created: z.string() }).optional().parse(last.get());
      return found && { id: found.bundle_id, created: found.created };
    },
    blobsInUse: () =>
      new Set(
        z
          .array(z.string())
          .parse(tagBlobs.all())
          .flatMap((blobs) => JSON.parse(blobs) as string[]),
      ),
  };
}

/**
 * The bundles part of the store at `file`, opened without the data dir's lock: `bundle have` and
 * `bundle list` read it next to a running daemon (WAL lets them). Reads only.
 */
export function withBundles<T>(file: string, clock: Clock, use: (bundles: Bundles) => T): T {
  if (!existsSync(file)) return use(createBundlesOfNothing());
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    return use(createBundles(db, clock));
  } finally {
    db.close();
  }
}

/** A data dir with no store yet has received no bundle. */
function createBundlesOfNothing(): Bundles {
  const none = (): never => {
    throw new Error('no store: nothing to record');
  };
  return {
    recordApplied: none,
    recordRejected: none,
    setUpdated: none,
    list: () => [],
    appliedIds: () => new Set(),
    lastApplied: () => undefined,
    blobsInUse: () => new Set(),
  };
}
