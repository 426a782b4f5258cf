import type { JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type SessionInfo } from './api.js';
import { useLiveEvents, type LiveEvent } from './live.js';
import { hrefFor, useRoute } from './router.js';
import type { ContainerRow, UpdateRecord } from './types.js';
import type { Shared } from './shared.js';
import { ApprovalsView } from './views/approvals.js';
import { FleetView, useIsController } from './views/fleet.js';
import { BundlesView, useHasBundles } from './views/bundles.js';
import { ContainerPage } from './views/container-page.js';
import { ContainersView } from './views/containers.js';
import { HistoryView } from './views/history.js';
import { SignIn } from './views/sign-in.js';
import { Notice } from './views/notice.js';
import { useConfirm } from './views/confirm-dialog.js';
import { ViewLinks, ViewPages } from './views/more-views.js';

export function App(): JSX.Element {
  // undefined while asking; asked again after a sign-in or out, to learn who it is now.
  const [session, setSession] = useState<SessionInfo | undefined>();
  const ask = useCallback(() => {
    api.session().then(setSession, () => setSession({ signedIn: false, tokenRequired: true }));
  }, []);
  useEffect(ask, [ask]);
  if (session === undefined) return <Notice kind="loading">Loading…</Notice>;
  if (!session.signedIn) return <SignIn onSignedIn={ask} oidcIssuer={session.oidc?.issuer} />;
  return <Dashboard session={session} onSignedOut={ask} />;
}

function Dashboard({ session, onSignedOut }: { session: SessionInfo; onSignedOut: () => void }): JSX.Element {
  const route = useRoute();
  const [containers, setContainers] = useState<ContainerRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [version, setVersion] = useState(0);
  const [live, setLive] = useState(false);
  const [toast, setToast] = useState<string | undefined>();
  const pending = useRef<number | undefined>(undefined);

  const refresh = useCallback(() => {
    api.containers().then(
      (answer) => {
        setContainers(answer.items);
        setError(undefined);
      },
      (failure: unknown) => {
        if (failure instanceof ApiError && failure.status === 401) onSignedOut();
        else setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
  }, [onSignedOut]);

  useEffect(refresh, [refresh]);

  const onEvent = useCallback(
    (event: LiveEvent) => {
      if (event.type === 'update-step') {
        // Show the step at once; the full re-read below brings digests and statuses.
        // An update-step event carries the update's record as the history API returns it.
        const update = event.update as UpdateRecord | undefined;
        if (update?.containerName) {
          setContainers((rows) =>
            rows?.map((row) =>
              row.name === update.containerName
                ? {
                    ...row,
                    lastUpdate: {
                      ...(row.lastUpdate ?? emptyUpdate()),
                      ...update,
                    },
                  }
                : row,
            ),
          );
        }
      }
      // Many events arrive in a burst during a check: re-read once they settle.
      if (pending.current !== undefined) clearTimeout(pending.current);
      pending.current = window.setTimeout(() => {
        refresh();
        setVersion((value) => value + 1);
      }, 250);
    },
    [refresh],
  );
  useLiveEvents(onEvent, setLive);

  const act = useCallback(
    async <T,>(label: string, action: () => Promise<T>, summary?: (answer: T) => string) => {
      setToast(`${label}…`);
      try {
        const answer = await action();
        setToast(`${label}: ${summary ? summary(answer) : 'done'}`);
      } catch (failure) {
        setToast(`${label}: ${failure instanceof Error ? failure.message : String(failure)}`);
      }
      refresh();
      setVersion((value) => value + 1);
    },
    [refresh],
  );

  const { dialog, ask } = useConfirm();
  const shared: Shared = { containers, error, refresh, version, act, ask, person: session.name };
  const controller = useIsController();
  const bundles = useHasBundles(shared.version);
  const pendingApprovals = containers?.filter((row) => row.waitingFor?.kind === 'approval').length ?? 0;

  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href={hrefFor.containers}>
          Tidewatch
        </a>
        <nav>
          <a
            href={hrefFor.containers}
            aria-current={route.view === 'containers' || route.view === 'container'}
          >
            Containers
          </a>
          <a href={hrefFor.history} aria-current={route.view === 'history'}>
            History
          </a>
          <a href={hrefFor.approvals} aria-current={route.view === 'approvals'}>
            Approvals{pendingApprovals > 0 ? <span class="badge">{pendingApprovals}</span> : null}
          </a>
          {controller ? (
            <a href={hrefFor.fleet} aria-current={route.view === 'fleet'}>
              Fleet
            </a>
          ) : null}
          {bundles ? (
            <a href={hrefFor.bundles} aria-current={route.view === 'bundles'}>
              Bundles
            </a>
          ) : null}
          <ViewLinks route={route} />
        </nav>
        <span class={live ? 'live on' : 'live'} title={live ? 'live updates on' : 'reconnecting'}>
          {live ? 'live' : 'offline'}
        </span>
        {session.role !== undefined ? (
          <span class="who" title={`role: ${session.role}`}>
            {session.name ?? 'API token'} ({session.role})
          </span>
        ) : null}
        <button class="quiet" onClick={() => void api.signOut().finally(onSignedOut)} type="button">
          Sign out
        </button>
      </header>
      {toast ? (
        <div class="toast" role="status">
          {toast}
        </div>
      ) : null}
      <main>
        {route.view === 'containers' ? <ContainersView shared={shared} /> : null}
        {route.view === 'container' ? <ContainerPage name={route.name} shared={shared} /> : null}
        {route.view === 'history' ? <HistoryView shared={shared} /> : null}
        {route.view === 'approvals' ? <ApprovalsView shared={shared} /> : null}
        {route.view === 'fleet' ? <FleetView shared={shared} /> : null}
        {route.view === 'bundles' ? <BundlesView shared={shared} /> : null}
        <ViewPages route={route} shared={shared} />
      </main>
      {dialog}
    </div>
  );
}

function emptyUpdate(): NonNullable<ContainerRow['lastUpdate']> {
  return {
    id: 0,
    state: 'planned',
    trigger: '',
    fromDigest: null,
    toDigest: null,
    reason: null,
    startedAt: Date.now(),
    finishedAt: null,
  };
}
