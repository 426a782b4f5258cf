import type { JSX } from 'preact';
import { dateTime, shortDigest } from '../format.js';
import { updateAuthor } from '../../domain/update-author.js';
import { hrefFor } from '../router.js';
import type { UpdateRecord } from '../types.js';
import { Notice } from './notice.js';
import { OutcomeBadge } from './status-badge.js';

/** Updates as a timeline, newest first; a rollback opens to its reason and logs. */
export function UpdateList({
  updates,
  showContainer,
}: {
  updates: UpdateRecord[];
  showContainer: boolean;
}): JSX.Element {
  if (updates.length === 0) return <Notice kind="empty">No updates recorded yet.</Notice>;
  return (
    <ol class="timeline">
      {updates.map((update) => (
        <li key={update.id} class={`entry ${update.state}`} data-update={update.id}>
          <div class="when">{dateTime(update.startedAt)}</div>
          <div class="what">
            {showContainer ? (
              <a href={hrefFor.container(update.containerName)}>{update.containerName}</a>
            ) : null}{' '}
            <span class="mono">
              {update.fromTag && update.toTag && update.fromTag !== update.toTag
                ? `${update.fromTag} → ${update.toTag}`
                : `${shortDigest(update.fromDigest)} → ${shortDigest(update.toDigest)}`}
            </span>{' '}
            <OutcomeBadge state={update.state} /> <span class="sub">by {updateAuthor(update)}</span>
            {update.reason ? (
              <details>
                <summary>Why</summary>
                <p class="reason">{update.reason}</p>
                {update.logs ? <pre class="logs">{update.logs}</pre> : null}
              </details>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
