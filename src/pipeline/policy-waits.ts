import type { PolicyWait } from '../domain/run.js';

export type { PolicyWait };

/** UTC to the second, the same on every host. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
