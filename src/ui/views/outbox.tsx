import type { JSX } from 'preact';
import { dateTime } from '../format.js';
import type { Shared } from '../shared.js';
import { useLoad } from '../use-load.js';
import { viewsApi, type OutboxMessage } from '../views-api.js';
import { LoadNotices, Notice } from './notice.js';

const STATE_CLASS = { delivered: 'committed', pending: 'pending', failed: 'failed' } as const;

function when(message: OutboxMessage): string {
  if (message.deliveredAt !== null) return `delivered ${dateTime(message.deliveredAt)}`;
  if (message.failedAt !== null) return `given up ${dateTime(message.failedAt)}`;
  return `next attempt ${dateTime(message.nextAttemptAt)}`;
}

/** The notification outbox (docs/notifications.md): every message, to which target, and how it went. */
export function OutboxView({ shared }: { shared: Shared }): JSX.Element {
  const { data, error } = useLoad(viewsApi.outbox, shared.version);
  return (
    <section>
      <div class="toolbar">
        <h1>Notifications</h1>
        {data ? (
          <span class="sub stats">
            {data.stats.pending} pending · {data.stats.delivered} delivered · {data.stats.failed} given up
          </span>
        ) : null}
      </div>
      <LoadNotices what="the outbox" loaded={data !== undefined} error={error} />
      {data?.items.length === 0 ? <Notice kind="empty">No notification queued or sent yet.</Notice> : null}
      {data && data.items.length > 0 ? (
        <table class="list">
          <thead>
            <tr>
              <th>Message</th>
              <th>Target</th>
              <th>State</th>
              <th>Queued</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((message) => (
              <tr key={message.id} data-message={message.id} data-state={message.state}>
                <td data-label="Message">
                  <strong>{message.title ?? message.event}</strong>
                  <div class="sub">
                    {message.event} · {message.level}
                  </div>
                  {message.body ? <div class="sub clip">{message.body}</div> : null}
                </td>
                <td data-label="Target" class="mono wrap">
                  {message.target}
                </td>
                <td data-label="State">
                  <span class={`outcome ${STATE_CLASS[message.state]}`}>{message.state}</span>
                  <div class="sub">
                    {message.attempts} attempt{message.attempts === 1 ? '' : 's'}, {when(message)}
                  </div>
                  {message.lastError ? <div class="error small">{message.lastError}</div> : null}
                </td>
                <td data-label="Queued" class="sub">
                  {dateTime(message.createdAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
