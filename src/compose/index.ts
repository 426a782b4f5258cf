export { COMPOSE_LABELS, WRITE_BACK_LABEL, readComposeOrigin, type ComposeOrigin } from './labels.js';
export { detectComposeCli, runCompose, type ComposeCli, type ComposeProject } from './cli.js';
export { findImageFile, writeImage, type ImageEdit } from './compose-file.js';
export { reachability, withComposeDependsOn } from './project.js';
export { updateComposeAware, isTagMove, type ComposeUpdateDeps } from './update.js';
export { composeCheckNotes } from './check-note.js';
export { composeAwareness } from './awareness.js';
