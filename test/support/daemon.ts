import { spawn } from 'node:child_process';
import { eventually } from './images.js';
import { MAIN, cliEnv } from './tidewatch.js';

export interface Daemon {
  readonly pid: number;
  /** Everything it logged so far (JSON lines). */
  readonly stderr: () => string;
  /** Sends the signal and resolves with the exit code (null when it had to be killed after 60 s). */
  readonly stop: (signal?: 'SIGTERM' | 'SIGINT') => Promise<number | null>;
  /** Resolves with the exit code once the process ended, however it ended. */
  readonly exited: Promise<number | null>;
}

/**
 * `tidewatch run ARGS` from the built CLI, with the same clean environment as runCli plus `env`
 * (which must name a TIDEWATCH_DATA_DIR: run locks its data dir). Resolves once it has started.
 */
export async function startDaemon(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Daemon> {
  const child = spawn(process.execPath, [MAIN, 'run', ...args], {
    env: cliEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const started = await eventually(
    () => stderr,
    (text) => text.includes('tidewatch started'),
    20_000,
  );
  if (!started.includes('tidewatch started')) {
    child.kill('SIGKILL');
    throw new Error(`the daemon did not start: ${started}`);
  }
  return {
    pid: child.pid ?? -1,
    stderr: () => stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      // A daemon that does not exit is a bug to see, not a test to hang: say what it last did.
      const timer = setTimeout(() => {
        process.stderr.write(
          `the daemon did not exit within 60 s of ${signal}; its log ends:\n${stderr.slice(-4000)}\n`,
        );
        child.kill('SIGKILL');
      }, 60_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
