/**
 * Who an update is by, for people: who made it, and who allowed it when it waited for approvals
 * (`oidc:bob, approved by oidc:alice and oidc:bob`). The CLI's history and the dashboard say it the
 * same way. Rows from before actors were recorded (schema 8) name what triggered them instead.
 */
export function updateAuthor(record: {
  readonly actor: string | null;
  readonly trigger: string;
  readonly approvedBy: readonly string[];
}): string {
  const made = record.actor ?? record.trigger;
  const approvers = record.approvedBy;
  if (approvers.length === 0) return made;
  const last = approvers[approvers.length - 1];
  const list = approvers.length === 1 ? last : `${approvers.slice(0, -1).join(', ')} and ${last}`;
  return `${made}, approved by ${list}`;
}
