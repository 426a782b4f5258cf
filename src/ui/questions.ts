/**
 * What the dashboard asks before it changes anything, built from what it shows: the container,
 * and the digests or tags the action moves between. Pure, so the wording is tested on its own.
 */
import { dateTime, shortDigest } from './format.js';
import type { Approval, ContainerRow } from './types.js';

export interface Question {
  readonly title: string;
  /** What is acted on, as term and value: the container, its image, digests or tags. */
  readonly facts: ReadonlyArray<readonly [string, string]>;
  readonly note?: string;
  /** The confirming button's label: the action's own verb. */
  readonly confirm: string;
  readonly danger?: boolean;
}

/** `1.2.0 (3f2a…)` or the short digest alone; `—` when unknown. */
function version(tag: string | null | undefined, digest: string | null | undefined): string {
  return tag ? `${tag} (${shortDigest(digest)})` : shortDigest(digest);
}

export function updateQuestion(row: ContainerRow): Question {
  const known = row.status === 'update-available';
  return {
    title: `Update ${row.name}?`,
    facts: [
      ['Container', row.name],
      ['Image', row.image ?? '—'],
      ['Running', version(row.tag, row.currentDigest)],
      ['New', known ? version(row.latestTag, row.latestDigest) : 'whatever the check now finds'],
    ],
    note: 'It is checked again first, recreated on the new image, verified, and rolled back if it fails.',
    confirm: 'Update',
  };
}

/** Every update the list shows as available and not held back, applied in one run. */
export function updateAllQuestion(rows: readonly ContainerRow[]): Question {
  return {
    title: `Apply ${rows.length} update${rows.length === 1 ? '' : 's'}?`,
    facts: rows.map((row) => [
      row.name,
      `${version(row.tag, row.currentDigest)} → ${version(row.latestTag, row.latestDigest)}`,
    ]),
    note: 'Each is verified, and rolled back on its own if it fails.',
    confirm: rows.length === 1 ? 'Apply 1 update' : `Apply ${rows.length} updates`,
  };
}

/** `previous` is the digest the last committed update came from, when the history has it. */
export function rollbackQuestion(row: ContainerRow, previous: string | null | undefined): Question {
  return {
    title: `Roll back ${row.name}?`,
    facts: [
      ['Container', row.name],
      ['Running', version(row.tag, row.currentDigest)],
      ['Back to', previous ? shortDigest(previous) : 'the image before its last committed update'],
    ],
    note: 'The digest it leaves is held back until forgotten.',
    confirm: 'Roll back',
    danger: true,
  };
}

export function forgetQuestion(row: ContainerRow): Question {
  const held = row.heldBack;
  return {
    title: `Forget the rolled-back digests of ${row.name}?`,
    facts: [
      ['Container', row.name],
      ...(held
        ? ([
            ['Digest', shortDigest(held.digest)],
            ['Rolled back', `${dateTime(held.rolledBackAt)}: ${held.reason}`],
          ] as const)
        : []),
    ],
    note: 'The next update run may deploy them again.',
    confirm: 'Forget',
    danger: true,
  };
}

export function rejectQuestion(approval: Approval): Question {
  return {
    title: `Reject the update of ${approval.containerName}?`,
    facts: [
      ['Container', approval.containerName],
      ['Image', approval.image],
      ['Running', version(approval.fromTag, approval.fromDigest)],
      ['Rejected', version(approval.toTag, approval.toDigest)],
    ],
    note: 'This digest is never applied; a newer one asks again.',
    confirm: 'Reject',
    danger: true,
  };
}
