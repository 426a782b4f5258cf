import { execFile } from 'node:child_process';
import { TidewatchError } from '../domain/errors.js';

const TIMEOUT_MS = 30_000;

/**
 * Runs a proxy's command on Tidewatch's host with `sh -c` (a reload, or the generic switch hook),
 * with `env` added to Tidewatch's environment. Rejects with one line naming the command, its exit
 * and the end of what it printed.
 */
export function runHostCommand(command: string, env: Readonly<Record<string, string>> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'sh',
      ['-c', command],
      { env: { ...process.env, ...env }, timeout: TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        const said = `${stderr}${stdout}`.trim().split('\n').slice(-2).join(' ').slice(0, 300);
        const how = error.killed
          ? `timed out after ${TIMEOUT_MS / 1000}s`
          : `exited ${String(error.code ?? '?')}`;
        reject(
          new TidewatchError('proxy-switch', `proxy command "${command}" ${how}${said ? `: ${said}` : ''}`),
        );
      },
    );
  });
}
