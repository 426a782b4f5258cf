import type { CycleEntry } from '../domain/run.js';
import { updateKind, type UpdateKind } from '../policy/update-kind.js';
import { formatTable, shortDigest } from './format.js';

/** How big an available update is (docs/policies.md), or null when there is none. */
function kindOf(entry: CycleEntry): UpdateKind | null {
  if (entry.status !== 'update-available') return null;
  return updateKind(entry.currentTag, entry.latestTag ?? entry.currentTag);
}

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
      waitingFor: waitingJson(entry.waitingFor),
      // Policies (docs/policies.md): the tag it runs, and the one a tag policy would move it to.
      policy: entry.policy ?? null,
      currentTag: entry.currentTag ?? null,
      latestTag: entry.latestTag ?? null,
      updateKind: kindOf(entry),
      // Release notes and compare links from the images' OCI labels (docs/api.md).
      releaseLinks: entry.releaseLinks ?? null,
    })),
    null,
    2,
  );
}

/** A wait for JSON: times as ISO 8601 UTC, as people and scripts read them. */
function waitingJson(waiting: CycleEntry['waitingFor']): Record<string, unknown> | null {
  if (waiting === undefined) return null;
  const times: Record<string, unknown> = {};
  // until (budget, cooldown, window opening), since (cooldown), deadline (approval).
  for (const key of ['until', 'since', 'deadline'] as const) {
    const value = (waiting as Partial<Record<typeof key, number | null>>)[key];
    if (typeof value === 'number') times[key] = new Date(value).toISOString();
  }
  return { ...waiting, ...times };
}

/** `check` for a person: aligned columns, digests shortened the way docker shows ids. */
export function checkTable(entries: readonly CycleEntry[]): string {
  if (entries.length === 0) return 'No containers to check.';
  const rows = [
    ['NAME', 'IMAGE', 'STATUS', 'CURRENT', 'LATEST', 'REASON'],
    ...entries.map((entry) => [
      entry.name,
      entry.image,
      // `update-available (minor)`, as the dashboard shows it.
      kindOf(entry) === null ? entry.status : `${entry.status} (${kindOf(entry)})`,
      shortDigest(entry.currentDigest),
      // A tag policy's new tag in front: `1.1.2@sha256:…`.
      entry.latestTag !== undefined && entry.latestDigest !== undefined
        ? `${entry.latestTag}@${shortDigest(entry.latestDigest)}`
        : shortDigest(entry.latestDigest),
      entry.reason ?? '',
    ]),
  ];
  return formatTable(rows) + releaseNotes(entries);
}

/**
 * Under the table, what to read before an update: per container with links, the compare view
 * from the running revision to the new one, else the release page, else the source (a column would
 * make every row as wide as the longest URL).
 */
function releaseNotes(entries: readonly CycleEntry[]): string {
  const lines = entries.flatMap((entry) => {
    const links = entry.releaseLinks;
    const best = links?.compare ?? links?.release ?? links?.source;
    return best === undefined ? [] : [[entry.name, best]];
  });
  return lines.length === 0 ? '' : `\n\nRelease notes:\n${formatTable(lines).replace(/^/gm, '  ')}`;
}
