import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildAndPush, runContainer, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { cliEnv, MAIN } from '../support/tidewatch.js';

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a shell does. */
function onTerminal(args: readonly string[]): Promise<string> {
  const command = [process.execPath, MAIN, ...args].map((word) => `'${word}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: cliEnv({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output.replace(/\r/g, ''));
    });
  });
}

const jsonLogLines = (output: string): string[] =>
  output.split('\n').filter((line) => line.startsWith('{"level"'));

describe('check on a terminal', () => {
  const lab = useLab();

  it('prints the table only; --log-level brings the log back', async () => {
    const image = `${lab.registry.host}/${uniqueName('tty')}:latest`;
    await buildAndPush(image, { env: ['VERSION=1'] });
    const name = uniqueName('tty');
    await runContainer(name, image);
    await publishUpdate(image, { env: ['VERSION=2'] });

    const quiet = await onTerminal(['check', name]);
    expect(quiet).toMatch(new RegExp(`${name}\\s.*update-available`));
    expect(jsonLogLines(quiet), quiet).toEqual([]);

    const verbose = await onTerminal(['check', '--log-level', 'info', name]);
    expect(verbose).toMatch(new RegExp(`${name}\\s.*update-available`));
    expect(jsonLogLines(verbose).length, verbose).toBeGreaterThan(0);
  }, 180_000);
});
