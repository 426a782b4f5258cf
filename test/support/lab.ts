import { afterAll, beforeAll } from 'vitest';
import { assertEngine, cleanupLab, startRegistry, type LabRegistry } from '../lab/index.js';

/**
 * The usual life of an engine test file, registered in the calling describe: the engine must
 * answer (the file fails, never skips, when it does not), a fresh registry starts, and everything
 * the file created is removed afterwards. `lab.registry` is there from the first test on.
 */
export function useLab(): { readonly registry: LabRegistry } {
  let registry: LabRegistry | undefined;
  beforeAll(async () => {
    await assertEngine();
    registry = await startRegistry();
  });
  afterAll(async () => {
    await cleanupLab();
    await registry?.stop();
  });
  return {
    get registry(): LabRegistry {
      if (!registry) throw new Error('the lab registry is used before beforeAll started it');
      return registry;
    },
  };
}
