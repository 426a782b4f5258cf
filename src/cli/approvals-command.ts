import { systemClock, type Clock } from '../domain/clock.js';
import { TidewatchError } from '../domain/errors.js';
import type { Vote } from '../policy/index.js';
import { openPolicyReader, voteOnApproval, type ApprovalRecord } from '../store/index.js';
import { formatTable, shortDigest } from './format.js';
import { jsonOutput } from './json-times.js';

/** `approvals`' own options, as commander hands them over. */
export interface ApprovalsArgs {
  readonly json?: boolean | undefined;
  /** Every approval, decided ones too (the approvals' history); default: pending and approved. */
  readonly all?: boolean | undefined;
  readonly container?: string | undefined;
}

const badArgument = (message: string): TidewatchError => new TidewatchError('invalid-argument', message);

/**
 * `tidewatch approvals`: updates waiting for votes (and approved ones waiting for their window),
 * newest first; `--all` adds the decided ones. Reads the store without its lock, like `history`.
 */
export function approvalsCommand(file: string, args: ApprovalsArgs, write: (text: string) => void): number {
  const container = args.container?.trim().replace(/^\//, '');
  if (container === '') throw badArgument('--container: expected a container name');
  const reader = openPolicyReader(file);
  let items: ApprovalRecord[] = [];
  try {
    items =
      reader?.approvals.list({
        ...(args.all === true ? {} : { states: ['pending', 'approved'] }),
        ...(container !== undefined ? { container } : {}),
        limit: 500,
      }) ?? [];
  } finally {
    reader?.close();
  }
  if (args.json === true) write(jsonOutput(items));
  else if (items.length === 0)
    write(args.all === true ? 'No approvals recorded.\n' : 'No approvals waiting.\n');
  else write(`${approvalsTable(items)}\n`);
  return 0;
}

/** `tidewatch approve ID --voter NAME` and `reject`: exit 0 when the vote counted, 1 when refused. */
export function voteCommand(
  file: string,
  idText: string,
  voter: string | undefined,
  vote: Vote,
  write: (text: string) => void,
  writeError: (text: string) => void,
  clock: Clock = systemClock,
): number {
  const id = /^[1-9]\d{0,15}$/.test(idText.trim()) ? Number(idText.trim()) : undefined;
  if (id === undefined) throw badArgument(`${vote}: expected an approval id (a number), got "${idText}"`);
  if (voter === undefined || voter.trim() === '') throw badArgument(`${vote}: --voter NAME is required`);
  const result = voteOnApproval(file, id, voter, vote, clock);
  if (!result.ok) {
    writeError(`tidewatch: could not ${vote} approval ${id}: ${result.message}\n`);
    return 1;
  }
  const { approval } = result;
  const votes = approval.votes.filter((given) => given.vote === 'approve').length;
  const outcome =
    approval.state === 'approved'
      ? `approved: ${approval.containerName} is updated at the next run (inside its window, if it has one)`
      : approval.state === 'rejected'
        ? `rejected: ${approval.containerName} stays as it is`
        : `${votes} of ${approval.requiredVotes} votes; still pending`;
  write(`Approval ${approval.id} (${approval.containerName} → ${target(approval)}): ${outcome}.\n`);
  return 0;
}

function target(approval: ApprovalRecord): string {
  const digest = shortDigest(approval.toDigest);
  return approval.toTag !== null && approval.toTag !== approval.fromTag
    ? `${approval.toTag}@${digest}`
    : digest;
}

function change(approval: ApprovalRecord): string {
  const retagged = approval.toTag !== null && approval.toTag !== approval.fromTag;
  const from = retagged && approval.fromTag !== null ? approval.fromTag : shortDigest(approval.fromDigest);
  return `${from} → ${target(approval)}`;
}

const isoTime = (epochMs: number | null): string =>
  epochMs === null ? '-' : new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The approvals as a table; VOTERS last, as the one long cell. */
export function approvalsTable(items: readonly ApprovalRecord[]): string {
  return formatTable([
    ['ID', 'CONTAINER', 'FROM → TO', 'STATE', 'VOTES', 'REQUESTED', 'DEADLINE', 'VOTERS'],
    ...items.map((approval) => [
      String(approval.id),
      approval.containerName,
      change(approval),
      approval.state,
      `${approval.votes.filter((given) => given.vote === 'approve').length}/${approval.requiredVotes}`,
      isoTime(approval.createdAt),
      isoTime(approval.deadlineAt),
      approval.votes.map((given) => `${given.voter} (${given.vote})`).join(', '),
    ]),
  ]);
}
