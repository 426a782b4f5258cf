import type { Question } from './questions.js';
import type { ContainerRow } from './types.js';

/** What every view shares: the container list, kept current by the live stream. */
export interface Shared {
  readonly containers: ContainerRow[] | undefined;
  readonly error: string | undefined;
  readonly refresh: () => void;
  /** Bumped on every live event that may change what a view shows. */
  readonly version: number;
  /** Runs `action` with a toast: `label…`, then `label: done` (or `summary` of its answer) or the error. */
  readonly act: <T>(
    label: string,
    action: () => Promise<T>,
    summary?: (answer: T) => string,
  ) => Promise<void>;
  /** Asks for confirmation in a modal dialog; resolves with the answer. */
  readonly ask: (question: Question) => Promise<boolean>;
  /** The signed-in person's name; undefined for the shared --api-token (votes then name a voter). */
  readonly person: string | undefined;
}

/** Acts only once the person confirmed `question`. */
export async function confirmThen(
  shared: Shared,
  question: Question,
  label: string,
  action: () => Promise<unknown>,
): Promise<void> {
  if (await shared.ask(question)) await shared.act(label, action);
}
