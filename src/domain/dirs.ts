import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p`, one level at a time, each new level with `mode`. Node 20's own recursive mkdir never
 * returns for some paths (any under /proc, where mkdir answers "no such file" for a parent that
 * exists), and a start must fail with a line, not hang. Throws when a level cannot be made, or when
 * `dir` is there but is not a directory.
 */
export function makeDirs(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break; // the root itself is missing: mkdir says why below
  }
  for (const level of missing) {
    try {
      mkdirSync(level, mode === undefined ? undefined : { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // made by another process meanwhile
    }
  }
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
}
