import { describe, expect, it } from 'vitest';
import { withDefaultCommand } from '../../src/cli/default-command.js';

const argv = (...args: string[]): string[] => ['node', 'tidewatch.js', ...args];

describe('flags without a subcommand (Watchtower command lines)', () => {
  it('mean run', () => {
    expect(withDefaultCommand(argv('--interval', '30'))).toEqual(argv('run', '--interval', '30'));
  });

  it("spell Watchtower's short flags as Tidewatch's long ones", () => {
    expect(withDefaultCommand(argv('-i', '30', '-s', '0 0 4 * * *'))).toEqual(
      argv('run', '--interval', '30', '--schedule', '0 0 4 * * *'),
    );
  });

  it('leave a subcommand, and the program flags, alone', () => {
    expect(withDefaultCommand(argv('once', '-i', '30'))).toEqual(argv('once', '-i', '30'));
    expect(withDefaultCommand(argv('--help'))).toEqual(argv('--help'));
    expect(withDefaultCommand(argv('-V'))).toEqual(argv('-V'));
    expect(withDefaultCommand(argv())).toEqual(argv());
  });
});
