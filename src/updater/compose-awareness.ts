import type { Settings } from '../config/index.js';
import type { CycleEntry } from '../domain/run.js';
import type { CheckedContainer } from './check.js';
import type { UpdateDeps, UpdateRequest, UpdateResult } from './update-types.js';

/**
 * What compose awareness adds to the container cycle. src/compose implements it and src/wiring.ts
 * hands it in (CycleDeps.compose), so the updater never imports compose; without it (a unit test's
 * hand-made deps) every container is updated through the engine alone.
 */
export interface ComposeAwareness {
  /** `check`'s notes on compose services: files out of reach, a tag move without write-back. */
  readonly checkNotes: (
    settings: Readonly<Pick<Settings, 'composeWriteBack'>>,
    checked: readonly CheckedContainer[],
    entries: Map<string, CycleEntry>,
  ) => void;
  /** Updates a container through compose where compose owns it, else as updateContainer does. */
  readonly update: (
    deps: UpdateDeps & { readonly settings: Readonly<Settings> },
    request: UpdateRequest,
  ) => Promise<UpdateResult>;
  /** A container's labels with its compose `depends_on` read in, for the update order. */
  readonly withDependsOn: (labels: Readonly<Record<string, string>>) => Readonly<Record<string, string>>;
}
