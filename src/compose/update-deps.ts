import type { Settings } from '../config/index.js';
import type { UpdateDeps } from '../updater/update-types.js';

/** What a compose-aware update needs: an update's dependencies and the settings (write-back). */
export type ComposeUpdateDeps = UpdateDeps & { readonly settings: Readonly<Settings> };
