import type { Settings } from '../config/index.js';
import type { CheckedContainer } from '../updater/check.js';
import type { CycleEntry } from '../domain/run.js';
import { readComposeOrigin } from './labels.js';
import { reachability } from './project.js';

/**
 * `check` says how a compose service with an update would be updated when that is not the usual
 * way: its compose file is out of Tidewatch's reach (engine-level recreate, labels kept), or a tag
 * move without write-back (the next `compose up` would go back to the file's tag).
 */
export function composeCheckNotes(
  settings: Readonly<Pick<Settings, 'composeWriteBack'>>,
  checked: readonly CheckedContainer[],
  entries: Map<string, CycleEntry>,
): void {
  for (const item of checked) {
    const entry = entries.get(item.result.name);
    if (entry?.status !== 'update-available' || !item.details) continue;
    const origin = readComposeOrigin(item.details.config.Labels ?? {});
    if (!origin) continue;
    const tagMove = item.target?.tag !== undefined && item.target.tag !== item.ref?.tag;
    const writeBack = origin.writeBack ?? settings.composeWriteBack;
    const reachable = reachability(origin);
    let note: string | undefined;
    if (!reachable.ok) {
      note = `${reachable.reason}: recreated through the engine, compose labels kept`;
    } else if (tagMove && !writeBack) {
      note = `compose service ${origin.project}/${origin.service}: without write-back the next compose up goes back to the file's tag`;
    }
    if (note !== undefined)
      entries.set(entry.name, { ...entry, reason: entry.reason ? `${entry.reason}; ${note}` : note });
  }
}
