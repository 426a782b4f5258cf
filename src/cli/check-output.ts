import type { CycleEntry } from '../updater/index.js';

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
      short(entry.currentDigest),
      short(entry.latestDigest),
      entry.reason ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function short(digest: string | undefined): string {
  if (digest === undefined) return '-';
  const [algorithm, hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}`;
}
