/**
 * The schema, as an ordered list of steps. Step N (1-based) takes a database from
 * `PRAGMA user_version` N-1 to N. Never edit a step that has shipped: append a new one.
 *
 * Tables are STRICT so a wrong type is an error, not a silently coerced value. States, strategies
 * and triggers are deliberately not CHECK constraints: SQLite cannot alter a CHECK without
 * rebuilding the table, and every row is validated with zod when it is read back anyway.
 * Times are epoch milliseconds from the injected clock.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE updates (
    -- AUTOINCREMENT: ids are never reused, so a history cursor never points at another update.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    container_name TEXT NOT NULL,
    container_id TEXT NOT NULL,
    new_container_id TEXT,
    image TEXT NOT NULL,
    from_digest TEXT,
    to_digest TEXT,
    from_image_id TEXT,
    to_image_id TEXT,
    from_tag TEXT,
    to_tag TEXT,
    "trigger" TEXT NOT NULL,
    strategy TEXT NOT NULL,
    state TEXT NOT NULL,
    parked_name TEXT,
    reason TEXT,
    logs TEXT,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER
  ) STRICT;
  CREATE INDEX updates_by_container ON updates (container_name, id);
  CREATE INDEX updates_by_start ON updates (started_at);
  -- Recovery at start reads only these, however long the history grows.
  CREATE INDEX updates_unfinished ON updates (id) WHERE finished_at IS NULL;

  CREATE TABLE bad_digests (
    container_name TEXT NOT NULL,
    digest TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (container_name, digest)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE seen_digests (
    ref TEXT NOT NULL,
    digest TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL,
    PRIMARY KEY (ref, digest)
  ) STRICT, WITHOUT ROWID;
  `,
  // 2: whether the original was running, so recovery restores it as it was (a stopped container
  // updated under --include-stopped stays stopped). NULL for rows written before: treated as running.
  `ALTER TABLE updates ADD COLUMN was_running INTEGER;`,
  // 3: notifications (src/notify): the outbox, so a message survives a target that is down and a
  // restart, and what was already announced, so "update available" is said once per digest.
  // `target` is a hash of the target's URL and `target_label` the URL with its secrets redacted:
  // no row holds a token. A row is pending until `delivered_at` or `failed_at` is set.
  `
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    target_label TEXT NOT NULL,
    event TEXT NOT NULL,
    level TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    delivered_at INTEGER,
    failed_at INTEGER,
    last_error TEXT
  ) STRICT;
  CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
  CREATE INDEX outbox_failed ON outbox (failed_at) WHERE failed_at IS NOT NULL;
  CREATE INDEX outbox_pending_by_target ON outbox (target, id) WHERE delivered_at IS NULL AND failed_at IS NULL;

  -- kind: what was said (available, skipped, current), so each is said once per container and digest.
  CREATE TABLE announced (
    container_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    announced_at INTEGER NOT NULL,
    PRIMARY KEY (container_name, kind, digest)
  ) STRICT, WITHOUT ROWID;
  `,
  // 4: policies (src/policy): approvals keyed by container and target digest, and their votes.
  // One row per approval, kept after it is decided: the table is also the approvals' history.
  `
  CREATE TABLE approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    container_name TEXT NOT NULL,
    image TEXT NOT NULL,
    from_digest TEXT,
    from_tag TEXT,
    to_digest TEXT NOT NULL,
    to_tag TEXT,
    required_votes INTEGER NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    deadline_at INTEGER,
    decided_at INTEGER
  ) STRICT;
  CREATE INDEX approvals_by_target ON approvals (container_name, to_digest, id);
  -- The cycle's deadline sweep and the pending list read only these.
  CREATE INDEX approvals_open ON approvals (id) WHERE state IN ('pending', 'approved');

  CREATE TABLE approval_votes (
    approval_id INTEGER NOT NULL REFERENCES approvals (id),
    voter TEXT NOT NULL,
    vote TEXT NOT NULL,
    voted_at INTEGER NOT NULL,
    PRIMARY KEY (approval_id, voter)
  ) STRICT, WITHOUT ROWID;
  `,
  // 5: group plans (src/updater/group-plan.ts). One plan covers every container an update touches
  // (the updated ones and their dependents); each step on each member is logged before it is taken,
  // and the members' identities (original id, parked and temporary names) are fixed up front, so
  // the reconciler can finish or undo a plan whatever step a crash or engine fault interrupted.
  `
  CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    strategy TEXT NOT NULL,
    -- JSON: the members in start order (providers first), see src/store/plans.ts.
    members TEXT NOT NULL,
    -- changing: undo on recovery; committing: verified and read back, finish on recovery; done.
    phase TEXT NOT NULL,
    outcome TEXT,
    reason TEXT,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER
  ) STRICT;
  CREATE INDEX plans_unfinished ON plans (id) WHERE finished_at IS NULL;

  CREATE TABLE plan_steps (
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    seq INTEGER NOT NULL,
    member TEXT NOT NULL,
    action TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (plan_id, seq)
  ) STRICT, WITHOUT ROWID;

  ALTER TABLE updates ADD COLUMN plan_id INTEGER REFERENCES plans (id);
  `,
  // 6: fleets (src/fleet). A controller's member tokens (only their sha256: a token is shown once,
  // when it is created) and the digests a rollback anywhere in the fleet marked bad for everyone.
  `
  CREATE TABLE fleet_tokens (
    member TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) STRICT;

  CREATE TABLE fleet_bad_digests (
    ref TEXT NOT NULL,
    digest TEXT NOT NULL,
    member TEXT NOT NULL,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (ref, digest)
  ) STRICT, WITHOUT ROWID;
  `,
  // 7: offline bundles (src/bundle). Every bundle received, applied or refused, with what it carried
  // and updated; and per tag the bundle that last moved it and the blobs its image needs (the blob
  // cache keeps exactly those).
  `
  CREATE TABLE bundles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    bundle_id TEXT,
    file TEXT NOT NULL,
    created TEXT,
    received_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('applied', 'rejected')),
    reason TEXT,
    images TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    updated TEXT
  ) STRICT;
  CREATE UNIQUE INDEX bundles_applied ON bundles (bundle_id) WHERE state = 'applied';

  CREATE TABLE bundle_tags (
    ref TEXT PRIMARY KEY,
    bundle_id TEXT NOT NULL,
    blobs TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
  // 8: named API tokens with a role (src/store/api-tokens.ts): only each token's sha256 is kept;
  // and who made each update (a token's holder, cli:<user>, schedule, webhook:<kind>, ...).
  `
  ALTER TABLE updates ADD COLUMN actor TEXT;

  CREATE TABLE api_tokens (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) STRICT;
  `,
  // 9: every reader of updates reads this view: an update that an approval allowed names the
  // people who approved it (newline-separated, in vote order), whoever cast the deciding vote and
  // whether it then ran at once or later in its window. Computed, not copied, so it cannot drift.
  `
  CREATE VIEW update_records AS
  SELECT updates.*, (
    SELECT group_concat(votes.voter, char(10) ORDER BY votes.voted_at, votes.voter)
    FROM approval_votes AS votes
    WHERE votes.vote = 'approve' AND votes.approval_id = (
      SELECT approvals.id FROM approvals
      WHERE approvals.container_name = updates.container_name
        AND approvals.to_digest = updates.to_digest
        AND approvals.state IN ('approved', 'applied')
        AND approvals.created_at <= updates.started_at
      ORDER BY approvals.id DESC LIMIT 1)
  ) AS approved_by
  FROM updates;
  `,
];
