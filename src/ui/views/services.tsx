import type { JSX } from 'preact';
import { dateTime } from '../format.js';
import type { Shared } from '../shared.js';
import { useLoad } from '../use-load.js';
import { viewsApi, type ServiceItem, type ServicesAnswer } from '../views-api.js';
import { LoadNotices, Notice } from './notice.js';

function emptyText(answer: ServicesAnswer): string {
  if (answer.error !== undefined) return `The services could not be read: ${answer.error}`;
  if (answer.swarm === 'off') return 'Swarm services are not watched (--swarm off).';
  if (answer.swarm === 'not-manager') {
    return `The engine is not a swarm manager (node state: ${answer.nodeState ?? 'unknown'}): there are no services to watch.`;
  }
  return 'No swarm service is in this instance’s scope.';
}

function ServiceRow({ service }: { service: ServiceItem }): JSX.Element {
  const last = service.lastUpdate;
  return (
    <tr data-service={service.name}>
      <td data-label="Service">
        <strong>{service.name}</strong>
        <div class="sub">{service.mode}</div>
      </td>
      <td data-label="Image" class="mono wrap">
        {service.image || '—'}
      </td>
      <td data-label="Watched">
        {service.watched ? (
          <span class="status current">watched{service.policy ? ` (${service.policy})` : ''}</span>
        ) : (
          <>
            <span class="status skipped">skipped</span>
            <div class="sub">{service.reason}</div>
          </>
        )}
      </td>
      <td data-label="Swarm update">
        {service.updateStatus ? (
          <>
            <span class="mono">{service.updateStatus.state}</span>
            {service.updateStatus.message ? <div class="sub">{service.updateStatus.message}</div> : null}
          </>
        ) : (
          <span class="sub">none</span>
        )}
      </td>
      <td data-label="Last update">
        {last ? (
          <>
            <span class={`outcome ${last.state}`}>{last.state}</span>
            <div class="sub">{dateTime(last.finishedAt ?? last.startedAt)}</div>
            {last.reason ? <div class="sub">{last.reason}</div> : null}
          </>
        ) : (
          <span class="sub">never</span>
        )}
      </td>
    </tr>
  );
}

/** Swarm services in scope: watched or why not, the swarm's own update state, the last update. */
export function ServicesView({ shared }: { shared: Shared }): JSX.Element {
  const { data, error } = useLoad(viewsApi.services, shared.version);
  return (
    <section>
      <div class="toolbar">
        <h1>Services</h1>
        {data?.nodeState ? <span class="sub">swarm node: {data.nodeState}</span> : null}
      </div>
      <LoadNotices what="the services" loaded={data !== undefined} error={error} />
      {data && data.items.length === 0 ? <Notice kind="empty">{emptyText(data)}</Notice> : null}
      {data && data.items.length > 0 ? (
        <table class="list">
          <thead>
            <tr>
              <th>Service</th>
              <th>Image</th>
              <th>Watched</th>
              <th>Swarm update</th>
              <th>Last update</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((service) => (
              <ServiceRow key={service.id} service={service} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
