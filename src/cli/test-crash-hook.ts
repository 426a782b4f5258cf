import { appendFileSync } from 'node:fs';

/**
 * Test-only hooks on every journal write, so the crash tests can stop the process at each one:
 * TIDEWATCH_TEST_CRASH_AFTER=<step name> kills it with SIGKILL right after that step is journaled,
 * TIDEWATCH_TEST_CRASH_AT=<n> right after its n-th journal write, and
 * TIDEWATCH_TEST_JOURNAL_TRACE=<file> appends every write's name to that file (to count them).
 * Never set them in production; they are not documented settings.
 */
export function testCrashHook(): ((step: string) => void) | undefined {
  const target = process.env.TIDEWATCH_TEST_CRASH_AFTER ?? '';
  const at = Number(process.env.TIDEWATCH_TEST_CRASH_AT ?? '0');
  const trace = process.env.TIDEWATCH_TEST_JOURNAL_TRACE ?? '';
  if (target === '' && !(at > 0) && trace === '') return undefined;
  let writes = 0;
  return (step) => {
    writes += 1;
    if (trace !== '') appendFileSync(trace, `${step}\n`);
    if (step === target || writes === at) process.kill(process.pid, 'SIGKILL');
  };
}
