import { chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { TidewatchError, describeError } from '../domain/index.js';
import { createBadDigests, type BadDigests } from './bad-digests.js';
import { createHistory, type History } from './history.js';
import { createJournal, type Journal } from './journal.js';
import { lockDataDir, type DataDirLock } from './lock.js';
import type { Clock } from './clock.js';
import { BUSY_TIMEOUT_MS, openFailed } from './open-common.js';
import { migrate } from './migrate.js';
import { createSeenDigests, type SeenDigests } from './seen-digests.js';
import { createApprovals, type Approvals } from './approvals.js';
import { createOutbox, type Outbox } from './outbox.js';
import { createAnnounced, type Announced } from './announced.js';
import { createPlans, type Plans } from './plans.js';
import { createApiTokens, type ApiTokens } from './api-tokens.js';
import { createBundles, type Bundles } from './bundles.js';
import { createFleetBadDigests, createFleetTokens, type FleetBadDigests, type FleetTokens } from './fleet.js';
import { makeDirs } from '../domain/dirs.js';

export const STORE_FILE = 'tidewatch.db';

export interface StoreOptions {
  readonly clock: Clock;
  /** The data dir's lock when the caller already holds it (a self-update's successor waited for it). */
  readonly lock?: DataDirLock | undefined;
}

export interface Store {
  readonly file: string;
  readonly schemaVersion: number;
  readonly journal: Journal;
  /** Group plans: every step on every container an update touches (src/updater/group-plan.ts). */
  readonly plans: Plans;
  readonly history: History;
  readonly badDigests: BadDigests;
  readonly seenDigests: SeenDigests;
  /** Updates waiting for votes, and every approval decided before (src/policy/approval.ts). */
  readonly approvals: Approvals;
  /** Notifications waiting to be delivered, delivered, or given up on (src/notify). */
  readonly outbox: Outbox;
  /** What notifications already announced, per container and digest. */
  readonly announced: Announced;
  /** A fleet controller's member tokens and fleet-wide bad digests (src/fleet). */
  readonly fleetTokens: FleetTokens;
  readonly fleetBadDigests: FleetBadDigests;
  /** Offline bundles received and the blobs their tags need (src/bundle). */
  readonly bundles: Bundles;
  /** Named API tokens with their roles (docs/security.md). */
  readonly apiTokens: ApiTokens;
  /** Closes the database and releases the data dir. Safe to call twice. */
  close(): void;
}

/** The database file in a data dir (see resolveDataDir). */
export function storeFile(dataDir: string): string {
  return join(dataDir, STORE_FILE);
}

function configure(db: Database.Database, file: string): void {
  // WAL: readers never block the writer, and a commit appends to the log instead of rewriting pages.
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal')
    throw openFailed(file, new Error(`its file system does not support WAL (mode ${String(mode)})`));
  // NORMAL in WAL mode fsyncs at checkpoints, not at every commit. A commit is in the OS before the
  // call returns, so it survives the crash the journal exists for (the process killed, OOM, SIGKILL,
  // the container stopped), and the database is never corrupted. Only a power loss or kernel crash
  // can drop the last commits; after one, the engine's own state is just as uncertain, so recovery
  // reconciles journal and engine (parked names are chosen at plan time to make that possible).
  db.pragma('synchronous = NORMAL');
  // No foreign keys yet; on from the start so the first one added is enforced everywhere.
  db.pragma('foreign_keys = ON');
}

/**
 * Opens (creating and migrating as needed) the store at `file`, after locking its directory so
 * that no other Tidewatch process writes there. The store is synchronous: better-sqlite3 calls
 * return once SQLite has committed.
 */
export function openStore(file: string, options: StoreOptions): Store {
  const dir = dirname(file);
  try {
    // 0700: rows keep container logs, which may hold secrets.
    makeDirs(dir, 0o700);
  } catch (error) {
    throw new TidewatchError('STORE_OPEN_FAILED', `cannot create data dir ${dir}: ${describeError(error)}`, {
      cause: error,
    });
  }
  const lock = options.lock ?? lockDataDir(dir, options.clock);
  let db: Database.Database | undefined;
  try {
    const created = !existsSync(file);
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    if (created) chmodSync(file, 0o600);
    configure(db, file);
    const schemaVersion = migrate(db, file);
    const open = db;
    return {
      file,
      schemaVersion,
      journal: createJournal(open, options.clock),
      plans: createPlans(open, options.clock),
      history: createHistory(open),
      badDigests: createBadDigests(open, options.clock),
      seenDigests: createSeenDigests(open, options.clock),
      approvals: createApprovals(open, options.clock),
      outbox: createOutbox(open, options.clock),
      announced: createAnnounced(open, options.clock),
      fleetTokens: createFleetTokens(open, options.clock),
      fleetBadDigests: createFleetBadDigests(open, options.clock),
      bundles: createBundles(open, options.clock),
      apiTokens: createApiTokens(open, options.clock),
      close: (): void => {
        if (open.open) open.close();
        lock.release();
      },
    };
  } catch (error) {
    db?.close();
    lock.release();
    throw openFailed(file, error);
  }
}
