import { labDocker, sweepDeadRuns } from '../lab/index.js';

/**
 * Before any test file: remove what killed test runs left on the engine (see sweepDeadRuns).
 * Unit tests run without an engine too (`npm run test:unit` on a laptop), so no engine here means
 * nothing to sweep; engine tests still fail on their own when it is missing (useLab).
 */
export default async function setup(): Promise<void> {
  const reachable = await labDocker()
    .ping()
    .then(
      () => true,
      () => false,
    );
  if (reachable) await sweepDeadRuns();
}
