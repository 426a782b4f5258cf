import { z } from 'zod';
import { TidewatchError } from '../domain/index.js';
import { UpdateState, UpdateStrategy, UpdateTrigger, type UpdateRecord } from './update-types.js';

const text = z.string().nullable();
const epochMs = z.number().int().nonnegative();

/**
 * A row of `updates` as SQLite returns it. Parsed, not cast: a row written by another version, or
 * edited by hand, fails here with the column that is wrong instead of deep in the updater.
 */
export const UpdateRow = z.object({
  id: z.number().int().positive(),
  container_name: z.string(),
  container_id: z.string(),
  new_container_id: text,
  image: z.string(),
  from_digest: text,
  to_digest: text,
  from_image_id: text,
  to_image_id: text,
  from_tag: text,
  to_tag: text,
  trigger: UpdateTrigger,
  // Null in rows from before actors were recorded (schema 8).
  actor: text.optional().transform((value) => value ?? null),
  // From the update_records view (schema 9): the approvers, newline-separated; null when none.
  approved_by: text.optional().transform((value) => (value ? value.split('\n') : [])),
  strategy: UpdateStrategy,
  state: UpdateState,
  parked_name: text,
  was_running: z.number().int().min(0).max(1).nullable(),
  reason: text,
  logs: text,
  started_at: epochMs,
  updated_at: epochMs,
  finished_at: epochMs.nullable(),
});
export type UpdateRow = z.infer<typeof UpdateRow>;

export function toUpdateRecord(value: unknown): UpdateRecord {
  const parsed = UpdateRow.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : ` (${issue.path.join('.')}: ${issue.message})`;
    const id = typeof value === 'object' && value !== null && 'id' in value ? ` ${String(value.id)}` : '';
    throw new TidewatchError('STORE_BAD_ROW', `updates row${id} in the store is not valid${where}`, {
      cause: parsed.error,
    });
  }
  const row = parsed.data;
  return {
    id: row.id,
    containerName: row.container_name,
    containerId: row.container_id,
    newContainerId: row.new_container_id,
    image: row.image,
    fromDigest: row.from_digest,
    toDigest: row.to_digest,
    fromImageId: row.from_image_id,
    toImageId: row.to_image_id,
    fromTag: row.from_tag,
    toTag: row.to_tag,
    trigger: row.trigger,
    actor: row.actor,
    approvedBy: row.approved_by,
    strategy: row.strategy,
    state: row.state,
    parkedName: row.parked_name,
    wasRunning: row.was_running === null ? null : row.was_running === 1,
    reason: row.reason,
    logs: row.logs,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}
