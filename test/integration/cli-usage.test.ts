import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/tidewatch.js';

/**
 * Bad invocations a person makes: each exits 2 with exactly one line on stderr that names what was
 * wrong (and, for commander's own errors, the help to read), never the whole help, nothing on stdout.
 */
const TABLE: readonly (readonly [args: readonly string[], line: string])[] = [
  [['check', '--bogus'], "unknown option '--bogus'; see `tidewatch check --help`"],
  [['check', '--jsn'], "unknown option '--jsn' (Did you mean --json?); see `tidewatch check --help`"],
  [['approve'], "missing required argument 'id'; see `tidewatch approve --help`"],
  [['approve', '1'], 'approve: --voter NAME is required'],
  [['history', '--limit'], "option '--limit <n>' argument missing; see `tidewatch history --help`"],
  [['history', '--limit', '0'], '--limit: expected a whole number from 1 to 500, got "0"'],
  [['history', '--outcome', 'nope'], '--outcome: expected committed, rolled-back, failed, got "nope"'],
  [['rollback'], "missing required argument 'name'; see `tidewatch rollback --help`"],
  [['forget'], "missing required argument 'name'; see `tidewatch forget --help`"],
  [['token', 'create'], "required option '--role <role>' not specified; see `tidewatch token create --help`"],
  [['token', 'create', 'x', '--role', 'god'], '--role "god": one of viewer, operator, admin'],
  [['once', '--interval', 'soon'], '--interval: expected a duration such as 30, 30s, 5m or 1h, got "soon"'],
  [['run', '--strategy', 'foo'], '--strategy: must be one of stop-first, start-first, auto; got foo'],
  [
    ['check', '--host', 'foo://bar'],
    'DOCKER_HOST "foo://bar": the scheme foo: is not supported (use unix://, tcp:// or ssh://)',
  ],
  [
    ['run', '--http-addr', 'nope'],
    '--http-addr: expected host:port (such as 127.0.0.1:8080 or 0.0.0.0:8080) or off; got nope',
  ],
  [['config', 'nope'], "unknown command 'nope'; see `tidewatch config --help`"],
  [['notify', 'nope'], "unknown command 'nope'; see `tidewatch notify --help`"],
  [['bundle', 'create'], 'bundle create needs --output FILE'],
  [
    ['fleet', 'token', 'create'],
    "missing required argument 'name'; see `tidewatch fleet token create --help`",
  ],
  [
    ['check', '--log-level', 'loud'],
    '--log-level: expected trace, debug, info, warn, error, fatal, silent, got "loud"',
  ],
  [
    ['once', '--schedule', 'bad cron'],
    '--schedule: "bad cron" has 2 fields; a schedule has 6 (seconds minutes hours day month weekday)',
  ],
  [['run', '--interval', '1m', '--schedule', '* * * * * *'], 'set either --interval or --schedule, not both'],
];

describe('usage errors', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-usage-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('the table has at least 20 bad invocations', () => expect(TABLE.length).toBeGreaterThanOrEqual(20));

  it.each(TABLE)('tidewatch %j: exit 2 and one line', async (args, line) => {
    const result = await runCli([...args], { TIDEWATCH_DATA_DIR: dataDir });
    expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({
      code: 2,
      stderr: `tidewatch: ${line}\n`,
      stdout: '',
    });
  });

  it('help and --version are not errors', async () => {
    const help = await runCli(['check', '--help']);
    expect(help.code).toBe(0);
    // check lists the groups it reads, not the API's or the fleet's.
    expect(help.stdout).toContain('Engine and registries:');
    expect(help.stdout).not.toContain('HTTP API:');
    expect(help.stdout).not.toContain('--http-addr');
    const runHelp = await runCli(['run', '--help']);
    expect(runHelp.stdout).toContain('HTTP API:');
    expect((await runCli(['--version'])).code).toBe(0);
  });
});
