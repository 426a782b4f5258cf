import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEngine, labDocker } from '../lab/index.js';
import { eventually } from '../support/images.js';

const DEMO = fileURLToPath(new URL('../../dist/demo/main.js', import.meta.url));

/** The fields of an update record (docs/history.md) this test reads. */
interface Update {
  readonly containerName: string;
  readonly state: string;
  readonly reason?: string | null;
}

/** The first warnings and the last lines of Tidewatch's log above debug level, for a failure message. */
function logTail(file: string): string {
  if (!existsSync(file)) return '(no log)';
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('{"level":"debug"'))
    .map((line) => line.slice(0, 400));
  const firstWarnings = lines.filter((line) => /^\{"level":"(warn|error|fatal)"/.test(line)).slice(0, 10);
  return [...firstWarnings, '…', ...lines.slice(-40)].join('\n');
}

/**
 * The engine's image deletions and untaggings while the demo runs, for a failure message: the demo
 * once lost a running container's image to something else on a shared engine, and this names when.
 */
async function recordImageEvents(
  docker: ReturnType<typeof labDocker>,
): Promise<{ lines: string[]; stop: () => void }> {
  const lines: string[] = [];
  const stream = (await docker.getEvents({
    filters: { type: ['image'], event: ['delete', 'untag'] },
  })) as NodeJS.ReadableStream & { destroy: () => void };
  stream.on('data', (chunk: Buffer) => {
    for (const text of chunk.toString().split('\n').filter(Boolean)) {
      const event = JSON.parse(text) as { Action: string; id: string; time: number };
      lines.push(`${new Date(event.time * 1000).toISOString()} ${event.Action} ${event.id}`);
    }
  });
  stream.on('error', () => undefined);
  return { lines, stop: () => stream.destroy() };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo', () => {
  const docker = labDocker();
  let id = '';

  beforeAll(assertEngine);
  // Only if the demo failed to clean up after itself: the test then fails, and leaves nothing.
  afterAll(async () => {
    if (id === '') return;
    const filters = { label: [`tidewatch.demo=${id}`] };
    for (const c of await docker.listContainers({ all: true, filters }))
      await docker.getContainer(c.Id).remove({ force: true });
    for (const i of await docker.listImages({ all: true, filters }))
      await docker
        .getImage(i.Id)
        .remove({ force: true })
        .catch(() => undefined);
  });

  it('shows a committed update and a rollback from its first pushes, then removes everything', async () => {
    // --port 0: any free port, as other tests may hold 8080; --duration bounds it if the test dies.
    const child = spawn(process.execPath, [DEMO, '--duration', '500', '--port', '0'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: process.env.DOCKER_HOST },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    const imageEvents = await recordImageEvents(docker);
    const line = (pattern: RegExp): string | undefined => pattern.exec(stdout)?.[1];
    try {
      const token = await eventually(
        () => line(/token (\S+)/),
        (value) => value !== undefined || child.exitCode !== null,
        120_000,
      );
      expect(token, `demo did not start:\n${stdout}\n${stderr}`).toBeDefined();
      id = line(/^demo (\w+):/m) ?? '';
      const url = line(/dashboard (\S+?)\/?$/m);
      const registryPid = Number(line(/registry \S+ \(pid (\d+)\)/));
      const workDir = dirname(line(/tidewatch log (\S+)/) ?? '/nonexistent/x');

      let updates: Update[] = [];
      const outcomes = async (): Promise<string[]> => {
        const response = await fetch(`${url}/api/v1/updates?limit=100`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(5000),
        });
        updates = ((await response.json()) as { items: Update[] }).items;
        return updates.map((update) => update.state);
      };
      // The demo pushes every 30 s: a good web image first, then a broken one.
      const seen = await eventually(
        outcomes,
        (list) => list.includes('committed') && list.includes('rolled-back'),
        // Two pushes (60 s) and their updates; the rest is slack for a machine busy with other
        // tests, where each push is an image build that can take a minute or more.
        420_000,
      );
      // The most telling parts last: a CI log keeps the end of a long failure message.
      const story = [
        `engine image deletions meanwhile (last 40):\n${imageEvents.lines.slice(-40).join('\n')}`,
        `tidewatch log ends:\n${logTail(join(workDir, 'tidewatch.log'))}`,
        `demo output:\n${stdout}\n${stderr}`,
        `updates: ${JSON.stringify(updates.map(({ containerName, state, reason }) => ({ containerName, state, reason })))}`,
      ].join('\n');
      expect(seen, story).toContain('committed');
      expect(seen, story).toContain('rolled-back');

      // Ctrl-C: the demo stops Tidewatch and the registry and removes what it made.
      child.kill('SIGINT');
      await exited;
      expect(child.exitCode, stderr).toBe(0);
      expect(stdout).toContain('cleaned up');
      const filters = { label: [`tidewatch.demo=${id}`] };
      expect(await docker.listContainers({ all: true, filters })).toEqual([]);
      expect(await docker.listImages({ all: true, filters })).toEqual([]);
      expect(alive(registryPid)).toBe(false);
      expect(existsSync(workDir)).toBe(false);
    } finally {
      imageEvents.stop();
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await exited;
      }
    }
  }, 600_000);
});
