import { useEffect, useState } from 'preact/hooks';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
}

/** Loads `load()` on mount and again whenever `version` changes (a live event), keeping the last answer. */
export function useLoad<T>(load: () => Promise<T>, version: number): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined });
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data, error: undefined }),
      (failure: unknown) =>
        current &&
        setState((previous) => ({
          data: previous.data,
          error: failure instanceof Error ? failure.message : String(failure),
        })),
    );
    return () => {
      current = false;
    };
    // `load` is a module-level function of views-api.ts: the version alone says when to ask again.
  }, [version]);
  return state;
}
