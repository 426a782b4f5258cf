import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertEngine,
  buildAndPush,
  cleanupLab,
  labDocker,
  runContainer,
  startRegistry,
  uniqueName,
  type LabRegistry,
} from '../lab/index.js';
import { eventually, publishUpdate } from '../support/images.js';
import { logLines } from '../support/tidewatch.js';

describe('tidewatch run', () => {
  const docker = labDocker();
  let registry: LabRegistry;
  const name = uniqueName('daemon');
  const scope = uniqueName('daemon-scope');

  beforeAll(async () => {
    await assertEngine();
    registry = await startRegistry();
  });
  // Each daemon gets its own data dir (it locks it): not /data or ~/.local/state of whoever runs the tests.
  const dataDirs: string[] = [];
  const dataDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'tidewatch-daemon-'));
    dataDirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await cleanupLab();
    await registry?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('checks at start and on the interval, updates a moved tag, and exits 0 on SIGTERM', async () => {
    const image = `${registry.host}/${uniqueName('daemon')}:latest`;
    await buildAndPush(image);
    const first = await runContainer(name, image, { Labels: { 'tidewatch.scope': scope } });

    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
        'run',
        '--interval',
        '1s',
        '--scope',
        scope,
        '--stop-timeout',
        '1s',
      ],
      {
        env: {
          PATH: process.env.PATH,
          DOCKER_HOST: process.env.DOCKER_HOST,
          TIDEWATCH_LOG_FORMAT: 'json',
          TIDEWATCH_DATA_DIR: dataDir(),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await eventually(
        () => stderr,
        (text) => text.includes('check finished'),
        20_000,
      );
      await publishUpdate(image);
      const updated = await eventually(
        // The name is briefly free mid-swap: a 404 then just means "not yet".
        async () =>
          (
            await docker
              .getContainer(name)
              .inspect()
              .catch(() => undefined)
          )?.Id,
        (id) => id !== undefined && id !== first.id,
        30_000,
      );
      expect(updated).not.toBe(first.id);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const messages = logLines(stderr).map((line) => line.msg);
    expect(messages).toContain('tidewatch started');
    expect(messages).toContain('updated');
    expect(messages.at(-1)).toBe('stopped');
    // Runs never overlap: every "check started" is followed by its "check finished" before the next.
    const runs = messages.filter((msg) => msg === 'check started' || msg === 'check finished');
    for (let index = 0; index < runs.length - 1; index += 2) {
      expect(runs.slice(index, index + 2)).toEqual(['check started', 'check finished']);
    }
  });

  it('with --no-startup-check and a 6-field --schedule, checks only when the schedule fires', async () => {
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
        'run',
        '--no-startup-check',
        '--schedule',
        '*/2 * * * * *',
        '--scope',
        uniqueName('nobody'),
      ],
      {
        env: {
          PATH: process.env.PATH,
          DOCKER_HOST: process.env.DOCKER_HOST,
          TIDEWATCH_LOG_FORMAT: 'json',
          TIDEWATCH_DATA_DIR: dataDir(),
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await eventually(
        () => stderr,
        (text) => text.includes('check finished'),
        20_000,
      );
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    const triggers = logLines(stderr)
      .filter((line) => line.msg === 'check started')
      .map((line) => line.trigger);
    expect(triggers.length).toBeGreaterThan(0);
    expect(new Set(triggers)).toEqual(new Set(['schedule']));
  });

  it('SIGTERM during verification lets that update finish, then exits 0', async () => {
    const image = `${registry.host}/${uniqueName('term')}:latest`;
    await buildAndPush(image);
    const termName = uniqueName('term');
    const termScope = uniqueName('term-scope');
    const first = await runContainer(termName, image, { Labels: { 'tidewatch.scope': termScope } });
    const { imageId: newImage } = await publishUpdate(image);
    const dataDir = mkdtempSync(join(tmpdir(), 'tw-term-'));
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
        'run',
        '--scope',
        termScope,
        '--stop-timeout',
        '1s',
        '--verify-window',
        '4s',
      ],
      {
        env: {
          PATH: process.env.PATH,
          DOCKER_HOST: process.env.DOCKER_HOST,
          TIDEWATCH_LOG_FORMAT: 'json',
          TIDEWATCH_DATA_DIR: dataDir,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await eventually(
        () => stderr,
        (text) => text.includes('verifying the new container'),
        30_000,
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
    const messages = logLines(stderr).map((line) => line.msg);
    // The update in flight was verified and committed before the process stopped.
    expect(messages.indexOf('stopping after the container in flight')).toBeLessThan(
      messages.indexOf('updated'),
    );
    expect(messages.at(-1)).toBe('stopped');
    const now = await docker.getContainer(termName).inspect();
    expect(now.Id).not.toBe(first.id);
    expect(now.Image).toBe(newImage);
    expect(now.State.Running).toBe(true);
  });
});
