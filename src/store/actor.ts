import { userInfo } from 'node:os';
import type { UpdateTrigger } from './update-types.js';

/**
 * Who made an update when nobody more precise was named: the trigger itself (`schedule`,
 * `webhook:github`, `gitops`, ...), and for the CLI the OS user who ran it, as `cli:<user>`.
 */
export function actorFor(trigger: UpdateTrigger): string {
  if (trigger !== 'cli') return trigger;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    // No passwd entry (a container run with an arbitrary uid): the uid is who it was.
    return `cli:${process.getuid?.() ?? 'unknown'}`;
  }
}
