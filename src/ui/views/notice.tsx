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
