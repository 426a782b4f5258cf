import type { ComponentChildren, JSX } from 'preact';

/** The empty, loading and error states, one look for all views. */
export function Notice({
  kind,
  children,
}: {
  kind: 'loading' | 'empty' | 'error';
  children: ComponentChildren;
}): JSX.Element {
  return (
    <div class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/**
 * What a view shows while its answer is on the way, or when it could not be read: `what` names
 * it ("the outbox"). Nothing once it is there; a failure after an answer keeps the answer shown.
 */
export function LoadNotices({
  what,
  loaded,
  error,
}: {
  what: string;
  loaded: boolean;
  error: string | undefined;
}): JSX.Element | null {
  if (error)
    return (
      <Notice kind="error">
        Could not load {what}: {error}
      </Notice>
    );
  return loaded ? null : <Notice kind="loading">Loading {what}…</Notice>;
}
