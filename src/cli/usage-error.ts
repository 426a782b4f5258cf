import { CommanderError } from 'commander';
import { exitCodeOf } from '../domain/error-codes.js';
import { TidewatchError, describeError } from '../domain/errors.js';

/**
 * Commander's message for a usage error (unknown option, missing argument, bad choice), as one
 * line that says where to look: `tidewatch: unknown option '--jsn' (Did you mean --json?); see
 * \`tidewatch check --help\``. main.ts exits 2 after it. Pure.
 */
export function usageError(text: string, command: string): string {
  const message = text
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  return `tidewatch: ${message}; see \`${command} --help\`\n`;
}

/**
 * The exit code for what stopped a command, writing its one line first where Commander has not:
 * help and --version end with 0, a usage error (already written) with 2; bad configuration, a held
 * data dir or an unreachable engine get one line, no stack trace, and their code.
 */
export function exitForFailure(error: unknown, writeError: (text: string) => void): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  writeError(`tidewatch: ${describeError(error)}\n`);
  return error instanceof TidewatchError ? exitCodeOf(error.code) : 1;
}
