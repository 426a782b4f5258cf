import { formatDuration } from '../config/index.js';
import { updateAuthor } from '../domain/update-author.js';
import type { UpdateRecord } from '../store/index.js';
import { formatTable, shortDigest } from './format.js';
import { jsonOutput } from './json-times.js';

/** `history --json`: one array of the store's records, every field, times ISO (epoch ms beside). */
export function historyJson(records: readonly UpdateRecord[]): string {
  return jsonOutput(records).trimEnd();
}

/**
 * `history` for a person, newest first. REASON comes last although it is the least structured:
 * it is the one long cell, and last it does not push the short columns off to the right.
 */
export function historyTable(records: readonly UpdateRecord[]): string {
  const rows = [
    ['ID', 'TIME', 'CONTAINER', 'FROM → TO', 'OUTCOME', 'DURATION', 'BY', 'REASON'],
    ...records.map((record) => [
      String(record.id),
      isoTime(record.startedAt),
      record.containerName,
      change(record),
      // An update in flight (or cut short by a crash, until recovery) shows the step it reached.
      record.state,
      record.finishedAt === null ? '-' : formatDuration(Math.max(0, record.finishedAt - record.startedAt)),
      updateAuthor(record),
      (record.reason ?? '').replace(/\s*\n\s*/g, ' '),
    ]),
  ];
  return formatTable(rows);
}

/** UTC, to the second: the same on every host and in every log, whatever the TZ of the shell. */
function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Digests, with the tags in front when the update moved to another tag (`1.27@sha256:… → 1.28@sha256:…`). */
function change(record: UpdateRecord): string {
  const retagged = record.fromTag !== null && record.toTag !== null && record.fromTag !== record.toTag;
  const side = (tag: string | null, digest: string | null): string => {
    if (!retagged || tag === null) return shortDigest(digest);
    return digest === null ? tag : `${tag}@${shortDigest(digest)}`;
  };
  return `${side(record.fromTag, record.fromDigest)} → ${side(record.toTag, record.toDigest)}`;
}
