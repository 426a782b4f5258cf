import type { ComposeAwareness } from '../updater/compose-awareness.js';
import { composeCheckNotes } from './check-note.js';
import { withComposeDependsOn } from './project.js';
import { updateComposeAware } from './update.js';

/** Compose awareness as the container cycle takes it (CycleDeps.compose; wired in src/wiring.ts). */
export const composeAwareness: ComposeAwareness = {
  checkNotes: composeCheckNotes,
  update: updateComposeAware,
  withDependsOn: withComposeDependsOn,
};
