import type { JSX } from 'preact';
import type { Shared } from '../shared.js';
import { useLoad } from '../use-load.js';
import { viewsApi } from '../views-api.js';
import { LoadNotices } from './notice.js';

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** The effective configuration, as `tidewatch config print` shows it: every secret as ***. */
export function ConfigView({ shared }: { shared: Shared }): JSX.Element {
  const { data, error } = useLoad(viewsApi.config, shared.version);
  const entries = data ? Object.entries(data.config).sort(([a], [b]) => a.localeCompare(b)) : [];
  return (
    <section>
      <div class="toolbar">
        <h1>Configuration</h1>
        <span class="sub">every layer applied; secrets are shown as ***</span>
      </div>
      <LoadNotices what="the configuration" loaded={data !== undefined} error={error} />
      {data ? (
        <dl class="facts config">
          {entries.map(([key, value]) => (
            <div key={key} class="pair" data-key={key}>
              <dt class="mono">{key}</dt>
              <dd class="mono">{shown(value)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </section>
  );
}
