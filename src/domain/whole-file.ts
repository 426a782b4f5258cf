import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Where a file is written before it is renamed over `file`: beside it (a rename within one file
 * system is atomic), under a dot name (ignored by whoever lists the folder: the bundle inbox, a
 * person) that no other process writing the same file picks.
 */
function partialOf(file: string): string {
  return join(dirname(file), `.${basename(file)}.tidewatch-${process.pid}`);
}

/**
 * Writes `file` whole or not at all, so a reader at any moment (nginx at a reload, a script
 * watching a folder, another process starting) sees the old content or the new, never half.
 * A failed write leaves no partial file behind.
 */
export async function writeWholeFile(file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const partial = partialOf(file);
  try {
    await writeFile(partial, data, mode === undefined ? undefined : { mode });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** writeWholeFile, for a process about to exit. */
export function writeWholeFileSync(file: string, data: string | Uint8Array, mode?: number): void {
  const partial = partialOf(file);
  try {
    writeFileSync(partial, data, mode === undefined ? undefined : { mode });
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
