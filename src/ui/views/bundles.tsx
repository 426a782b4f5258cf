import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime, shortDigest } from '../format.js';
import type { Shared } from '../shared.js';
import type { BundleRecord } from '../types.js';
import { LoadNotices, Notice } from './notice.js';

/** Whether this host ever received an offline bundle: the Bundles tab shows then (docs/offline.md). */
export function useHasBundles(version: number): boolean {
  const [has, setHas] = useState(false);
  useEffect(() => {
    if (has) return; // once seen, the tab stays: no more requests for it
    api.bundles(1).then(
      (answer) => setHas(answer.items.length > 0),
      () => setHas(false),
    );
  }, [version, has]);
  return has;
}

/** Bundles received, newest first: applied or refused with the reason, what each carried and updated. */
export function BundlesView({ shared }: { shared: Shared }): JSX.Element {
  const [bundles, setBundles] = useState<BundleRecord[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.bundles().then(
      (answer) => (setBundles(answer.items), setError(undefined)),
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  }, [shared.version]);
  return (
    <section>
      <h1>Bundles</h1>
      <LoadNotices what="the bundles" loaded={bundles !== undefined} error={error} />
      {bundles?.length === 0 ? <Notice kind="empty">No bundle received yet.</Notice> : null}
      {bundles && bundles.length > 0 ? (
        <ul class="cards">
          {bundles.map((bundle) => (
            <li key={bundle.seq} class="card" data-bundle={bundle.file} data-state={bundle.state}>
              <h3 class="mono">
                {bundle.file} <span class="sub">{dateTime(bundle.receivedAt)}</span>
              </h3>
              <p>
                <span class={`outcome ${bundle.state === 'applied' ? 'committed' : 'rolled-back'}`}>
                  {bundle.state}
                </span>
                {bundle.created ? (
                  <span class="sub"> made {dateTime(Date.parse(bundle.created))}</span>
                ) : null}
              </p>
              {bundle.reason ? <p class="reason">{bundle.reason}</p> : null}
              {bundle.images.length > 0 ? (
                <ul class="progress">
                  {bundle.images.map((image) => (
                    <li key={image.ref} class="mono">
                      {image.ref} <span class="sub">{shortDigest(image.digest)}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
              {bundle.updated && bundle.updated.length > 0 ? (
                <ul class="progress">
                  {bundle.updated.map((entry) => (
                    <li key={entry.container} data-container={entry.container} data-outcome={entry.outcome}>
                      {entry.container}: <span class={`outcome ${entry.outcome}`}>{entry.outcome}</span>
                      {entry.reason ? <span class="sub"> ({entry.reason})</span> : null}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
