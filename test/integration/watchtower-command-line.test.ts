import { describe, expect, it } from 'vitest';
import { assertEngine, uniqueName } from '../lab/index.js';
import { expectExit, logLines, runCli } from '../support/tidewatch.js';

// Watchtower's compose files say `command: --interval 30` or `-i 30`: no subcommand, so `run`.
describe('a Watchtower command line without a subcommand', () => {
  it.each([
    ['--interval', '30'],
    ['-i', '30'],
  ])('%s %s runs the daemon on that interval', async (flag, value) => {
    await assertEngine();
    // A scope of its own: the daemon sees no container of anyone else on the shared engine.
    const scope = uniqueName('wt-cmdline');
    const result = expectExit(
      await runCli([flag, value, '--no-startup-check', '--scope', scope], {}, 60_000, {
        text: 'checking on an interval',
        signal: 'SIGTERM',
      }),
    );
    const started = logLines(result.stderr).find((line) => line.msg === 'checking on an interval');
    expect(started?.everySeconds).toBe(30);
  });

  it('keeps --help the overview of the commands', async () => {
    const result = expectExit(await runCli(['--help']));
    expect(result.stdout).toContain('Usage: tidewatch [options] [command]');
  });
});
