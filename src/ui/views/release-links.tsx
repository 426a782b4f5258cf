import type { JSX } from 'preact';
import type { ReleaseLinks } from '../types.js';

const LABELS: ReadonlyArray<readonly [keyof ReleaseLinks, string]> = [
  ['release', 'Release notes'],
  ['compare', 'Changes'],
  ['source', 'Source'],
  ['url', 'Project'],
  ['documentation', 'Docs'],
];

/**
 * The links a person reads before approving an update (docs/release-links.md). They open in a new
 * tab without an opener or referrer: the addresses come from image labels, which anyone writes.
 */
export function ReleaseLinkList({ links }: { links: ReleaseLinks | null | undefined }): JSX.Element | null {
  if (!links) return null;
  const present = LABELS.filter(([key]) => links[key] !== undefined);
  if (present.length === 0) return null;
  return (
    <ul class="release-links" aria-label="Release links">
      {present.map(([key, label]) => (
        <li key={key}>
          <a href={links[key]} target="_blank" rel="noopener noreferrer" data-link={key}>
            {label}
          </a>
        </li>
      ))}
    </ul>
  );
}
