import type { JSX } from 'preact';
import { hrefFor, type Route } from '../router.js';
import type { Shared } from '../shared.js';
import { ConfigView } from './config.js';
import { GitopsView } from './gitops.js';
import { OutboxView } from './outbox.js';
import { ServicesView } from './services.js';

/** The read-only views' nav entries, after the update views' (docs/dashboard.md#views). */
export function ViewLinks({ route }: { route: Route }): JSX.Element {
  return (
    <>
      <a href={hrefFor.services} aria-current={route.view === 'services'}>
        Services
      </a>
      <a href={hrefFor.gitops} aria-current={route.view === 'gitops'}>
        GitOps
      </a>
      <a href={hrefFor.notifications} aria-current={route.view === 'notifications'}>
        Notifications
      </a>
      <a href={hrefFor.config} aria-current={route.view === 'config'}>
        Configuration
      </a>
    </>
  );
}

/** The page of the current route, when it is one of the read-only views. */
export function ViewPages({ route, shared }: { route: Route; shared: Shared }): JSX.Element | null {
  if (route.view === 'services') return <ServicesView shared={shared} />;
  if (route.view === 'gitops') return <GitopsView shared={shared} />;
  if (route.view === 'notifications') return <OutboxView shared={shared} />;
  if (route.view === 'config') return <ConfigView shared={shared} />;
  return null;
}
