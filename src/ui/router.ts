/** Hash routes (#/containers/web): the daemon serves one index.html, with no server-side routing. */
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { readonly view: 'containers' }
  | { readonly view: 'container'; readonly name: string }
  | { readonly view: 'history' }
  | { readonly view: 'approvals' }
  | { readonly view: 'fleet' }
  | { readonly view: 'bundles' }
  | { readonly view: 'services' }
  | { readonly view: 'gitops' }
  | { readonly view: 'notifications' }
  | { readonly view: 'config' };

/** The read-only views (docs/dashboard.md#views): their hash is their name. */
const SIMPLE_VIEWS = ['services', 'gitops', 'notifications', 'config'] as const;
type SimpleView = (typeof SIMPLE_VIEWS)[number];
const isSimpleView = (name: string | undefined): name is SimpleView =>
  SIMPLE_VIEWS.some((view) => view === name);

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (first === 'containers' && second !== undefined) return { view: 'container', name: second };
  if (first === 'history') return { view: 'history' };
  if (first === 'approvals') return { view: 'approvals' };
  if (first === 'fleet') return { view: 'fleet' };
  if (first === 'bundles') return { view: 'bundles' };
  if (isSimpleView(first)) return { view: first };
  return { view: 'containers' };
}

export const hrefFor = {
  containers: '#/containers',
  container: (name: string): string => `#/containers/${encodeURIComponent(name)}`,
  history: '#/history',
  approvals: '#/approvals',
  fleet: '#/fleet',
  bundles: '#/bundles',
  services: '#/services',
  gitops: '#/gitops',
  notifications: '#/notifications',
  config: '#/config',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
