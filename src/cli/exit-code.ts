import { CommanderError } from 'commander';
import { exitCodeOf } from '../domain/error-codes.js';
import { TidewatchError, describeError } from '../domain/errors.js';

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
