import { spawn } from 'node:child_process';
import { cliEnv, MAIN } from './tidewatch.js';

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a shell does: stdout and
 * stderr are the terminal, so both arrive here mixed, with the terminal's \r removed (a line
 * redrawn in place keeps its \r-separated states, each on its own).
 */
export function onTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const command = [process.execPath, MAIN, ...args].map((word) => `'${word}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: cliEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output.replace(/\r\n/g, '\n').replace(/\r/g, '\n'));
    });
  });
}

/** The lines of JSON log in a terminal's output. */
export const jsonLogLines = (output: string): string[] =>
  output.split('\n').filter((line) => line.startsWith('{"level"'));
