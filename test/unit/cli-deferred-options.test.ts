import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, type CommandHandlers } from '../../src/cli/program.js';

/** The program with handlers that do nothing, its output (help) captured instead of written. */
function program(): { program: Command; out: () => string } {
  const handlers = new Proxy({} as CommandHandlers, { get: () => () => Promise.resolve(0) });
  const built = buildProgram(handlers, () => undefined);
  let text = '';
  const capture = (each: Command): void => {
    each.exitOverride().configureOutput({ writeOut: (chunk) => (text += chunk) });
    for (const sub of each.commands) capture(sub);
  };
  capture(built);
  return { program: built, out: () => text };
}

const sub = (parent: Command, name: string): Command | undefined =>
  parent.commands.find((command) => command.name() === name);

describe('options of the commands that take every option (src/cli/deferred-options.ts)', () => {
  it('are not built until a command needs them', () => {
    const { program: built } = program();
    for (const name of ['run', 'once', 'check']) {
      const longs = sub(built, name)?.options.map((option) => option.long);
      // check's own --json is there from the start.
      expect(longs, name).toEqual(name === 'check' ? ['--json'] : []);
    }
    // The commands with a few options of their own keep them at once.
    expect(sub(built, 'history')?.options.length).toBeGreaterThan(0);
  });

  it('are there for the command that runs, and only for it', async () => {
    const { program: built } = program();
    await built.parseAsync(['node', 'tidewatch', 'once', '--interval', '30s']);
    expect(sub(built, 'once')?.options.some((option) => option.long === '--interval')).toBe(true);
    expect(sub(built, 'run')?.options).toEqual([]);
  });

  it('are in the help of `help run`, `run --help` and the nested `config print --help`', async () => {
    for (const args of [
      ['help', 'run'],
      ['run', '--help'],
      ['config', 'print', '--help'],
    ]) {
      const { program: built, out } = program();
      await expect(built.parseAsync(['node', 'tidewatch', ...args])).rejects.toThrow();
      expect(out(), args.join(' ')).toContain('--interval');
    }
  });

  it("make the parent's help say which commands take [options]", async () => {
    const { program: built, out } = program();
    await expect(built.parseAsync(['node', 'tidewatch', '--help'])).rejects.toThrow();
    expect(out()).toMatch(/run \[options\] \[names\.\.\.\]/);
  });
});
