import type { CycleEntry } from '../updater/index.js';
import { formatTable, shortDigest } from './format.js';

/** `check --json`: one array, full digests, stable field names. */
export function checkJson(entries: readonly CycleEntry[]): string {
  return JSON.stringify(
    entries.map((entry) => ({
      name: entry.name,
      id: entry.id,
      image: entry.image,
      status: entry.status,
      currentDigest: entry.currentDigest ?? null,
      latestDigest: entry.latestDigest ?? null,
      reason: entry.reason ?? null,
    })),
    null,
    2,
  );
}

/** `check` for a person: aligned columns, digests shortened the way docker shows ids. */
export function checkTable(entries: readonly CycleEntry[]): string {
  if (entries.length === 0) return 'No containers to check.';
  const rows = [
    ['NAME', 'IMAGE', 'STATUS', 'CURRENT', 'LATEST', 'REASON'],
    ...entries.map((entry) => [
      entry.name,
      entry.image,
      entry.status,
      shortDigest(entry.currentDigest),
      shortDigest(entry.latestDigest),
      entry.reason ?? '',
    ]),
  ];
  return formatTable(rows);
}
