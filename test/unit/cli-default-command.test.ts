import { describe, expect, it } from 'vitest';
import { withDefaultCommand } from '../../src/cli/default-command.js';
import { buildProgram, type CommandHandlers } from '../../src/cli/program.js';
import type { FlagValues } from '../../src/config/index.js';

const argv = (...args: string[]): string[] => ['node', 'tidewatch.js', ...args];
const COMMANDS = new Set(['help', 'run', 'once', 'check']);

describe('flags or names without a subcommand (Watchtower command lines)', () => {
  it('mean run', () => {
    expect(withDefaultCommand(argv('--interval', '30'), COMMANDS)).toEqual(argv('run', '--interval', '30'));
    expect(withDefaultCommand(argv('-i', '30', '-R'), COMMANDS)).toEqual(argv('run', '-i', '30', '-R'));
  });

  it('take container names as run does', () => {
    expect(withDefaultCommand(argv('nginx', 'redis'), COMMANDS)).toEqual(argv('run', 'nginx', 'redis'));
    expect(withDefaultCommand(argv('--interval', '30', 'nginx'), COMMANDS)).toEqual(
      argv('run', '--interval', '30', 'nginx'),
    );
  });

  it('leave a subcommand, and the program flags, alone', () => {
    expect(withDefaultCommand(argv('once', '-i', '30'), COMMANDS)).toEqual(argv('once', '-i', '30'));
    expect(withDefaultCommand(argv('help', 'run'), COMMANDS)).toEqual(argv('help', 'run'));
    expect(withDefaultCommand(argv('--help'), COMMANDS)).toEqual(argv('--help'));
    expect(withDefaultCommand(argv('-V'), COMMANDS)).toEqual(argv('-V'));
    expect(withDefaultCommand(argv(), COMMANDS)).toEqual(argv());
  });
});

/** What `run` was called with, parsed by the real program (its handlers record, nothing runs). */
async function parseRun(...args: string[]): Promise<{ flags: FlagValues; names: string[] }> {
  let seen: { flags: FlagValues; names: string[] } | undefined;
  const record = (flags: FlagValues, names: string[]): Promise<number> => {
    seen = { flags, names };
    return Promise.resolve(0);
  };
  const handlers = new Proxy({} as CommandHandlers, { get: () => record });
  const program = buildProgram(handlers, () => undefined);
  program.exitOverride();
  const commands = new Set(['help', ...program.commands.map((sub) => sub.name())]);
  await program.parseAsync(withDefaultCommand(argv(...args), commands));
  if (seen === undefined) throw new Error('run was not called');
  return seen;
}

describe("Watchtower's short flags (shortFlag in the option spec)", () => {
  it('are the long flags of run', async () => {
    const { flags, names } = await parseRun(
      '-i',
      '30',
      '-s',
      '0 0 4 * * *',
      '-R',
      '-d',
      '-S',
      '-x',
      'db',
      'web',
    );
    expect(flags).toMatchObject({
      interval: '30',
      schedule: '0 0 4 * * *',
      runOnce: true,
      debug: true,
      includeStopped: true,
      disableContainers: ['db'],
    });
    expect(names).toEqual(['web']);
  });

  it('-H is the engine host, as in Watchtower', async () => {
    expect((await parseRun('-H', 'tcp://127.0.0.1:2375')).flags).toMatchObject({
      host: 'tcp://127.0.0.1:2375',
    });
  });
});
