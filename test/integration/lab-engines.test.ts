import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAndPush,
  labDocker,
  startEngines,
  stopEngines,
  uniqueName,
  type ExtraEngine,
} from '../lab/index.js';
import { progressOf } from '../lab/progress.js';
import { useLab } from '../support/lab.js';

/**
 * The lab's extra engines (scripts/lab-engines.sh), the hosts of fleet tests: side by side with the
 * main engine on this machine, each with its own images and containers, started and stopped
 * cleanly, and never in the main engine's way.
 */
describe('extra engines', () => {
  const names = ['lab-e1', 'lab-e2', 'lab-e3'];
  const lab = useLab();
  let engines: ExtraEngine[] = [];

  beforeAll(async () => {
    // Fresh ones: engines a killed run left behind would still hold its containers.
    await stopEngines(names);
    engines = await startEngines(names);
  }, 150_000);
  afterAll(async () => {
    await stopEngines(names);
  }, 150_000);

  const bridgeExists = (name: string): boolean => {
    try {
      execFileSync('ip', ['link', 'show', `twl-${name}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };

  it('are separate engines: each pulls from the registry and runs its own container, on no network', async () => {
    const ref = `${lab.registry.host}/${uniqueName('fleet')}:1`;
    await buildAndPush(ref);
    const roots = new Set<string>();
    for (const engine of engines) {
      // Their engine IDs are alike (from one /etc/docker/key.json); their data roots are not.
      const info = (await engine.docker.info()) as { DockerRootDir: string };
      roots.add(info.DockerRootDir);
      await progressOf(`pulling ${ref} on ${engine.name}`, () => engine.docker.pull(ref));
      const container = await engine.docker.createContainer({
        name: 'probe',
        Image: ref,
        HostConfig: { NetworkMode: 'none' },
      });
      await container.start();
      expect((await container.inspect()).State.Running).toBe(true);
      const seen = await engine.docker.listContainers({ all: true });
      expect(seen.map((row) => row.Names[0])).toEqual(['/probe']);
    }
    expect(roots.size).toBe(engines.length);
    expect(roots.has(((await labDocker().info()) as { DockerRootDir: string }).DockerRootDir)).toBe(false);
    // The main engine knows none of theirs.
    expect(await labDocker().listContainers({ all: true, filters: { name: ['^/probe$'] } })).toEqual([]);
  });

  it('stop one: it is gone with its socket, state and bridge; the others and the main engine go on', async () => {
    const [first, ...rest] = engines;
    if (first === undefined) throw new Error('no engines');
    await stopEngines([first.name]);
    await expect(first.docker.ping()).rejects.toThrow();
    expect(existsSync(`/run/twl/${first.name}`)).toBe(false);
    expect(existsSync(`/var/lib/tidewatch-lab/engines/${first.name}`)).toBe(false);
    expect(bridgeExists(first.name)).toBe(false);
    for (const engine of rest) expect(String(await engine.docker.ping())).toBe('OK');

    // The main engine still starts a container on its default bridge (a dockerd started with
    // `--bridge none` would have deleted docker0 under it).
    const ref = `${lab.registry.host}/${uniqueName('main')}:1`;
    await buildAndPush(ref, { cmd: ['sleep', '0'] });
    const container = await labDocker().createContainer({
      Image: ref,
      HostConfig: { NetworkMode: 'bridge' },
    });
    try {
      await container.start();
      expect((await container.wait()) as { StatusCode: number }).toMatchObject({ StatusCode: 0 });
    } finally {
      await container.remove({ force: true });
    }
  });
});
