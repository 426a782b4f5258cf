import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { startDaemon } from '../support/daemon.js';
import { eventually, publishUpdate } from '../support/images.js';
import { logLines } from '../support/tidewatch.js';

describe('tidewatch run', () => {
  const docker = labDocker();
  const lab = useLab();

  // Each daemon gets its own data dir (it locks it): not /data or ~/.local/state of whoever runs the tests.
  const dataDirs: string[] = [];
  const dataDir = (): { TIDEWATCH_DATA_DIR: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'tidewatch-daemon-'));
    dataDirs.push(dir);
    return { TIDEWATCH_DATA_DIR: dir };
  };
  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** The id under `name` once it differs from `before`; the name is briefly free mid-swap. */
  const replaced = (name: string, before: string): Promise<string | undefined> =>
    eventually(
      async () =>
        (
          await docker
            .getContainer(name)
            .inspect()
            .catch(() => undefined)
        )?.Id,
      (id) => id !== undefined && id !== before,
      30_000,
    );

  it('checks at start and on the interval, updates a moved tag, and exits 0 on SIGTERM', async () => {
    const name = uniqueName('daemon');
    const scope = uniqueName('daemon-scope');
    const image = `${lab.registry.host}/${uniqueName('daemon')}:latest`;
    await buildAndPush(image);
    const first = await runContainer(name, image, { Labels: { 'tidewatch.scope': scope } });

    const daemon = await startDaemon(
      ['--interval', '1s', '--scope', scope, '--stop-timeout', '1s'],
      dataDir(),
    );
    let code: number | null;
    try {
      await eventually(daemon.stderr, (text) => text.includes('check finished'), 20_000);
      await publishUpdate(image);
      expect(await replaced(name, first.id)).not.toBe(first.id);
      // Committed, not just created: SIGTERM during the verification would undo it.
      await eventually(daemon.stderr, (text) => text.includes('"msg":"updated"'), 30_000);
    } finally {
      code = await daemon.stop();
    }
    expect(code).toBe(0);
    const messages = logLines(daemon.stderr()).map((line) => line.msg);
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
    const daemon = await startDaemon(
      ['--no-startup-check', '--schedule', '*/2 * * * * *', '--scope', uniqueName('nobody')],
      dataDir(),
    );
    let code: number | null;
    try {
      await eventually(daemon.stderr, (text) => text.includes('check finished'), 20_000);
    } finally {
      code = await daemon.stop('SIGINT');
    }
    expect(code).toBe(0);
    const triggers = logLines(daemon.stderr())
      .filter((line) => line.msg === 'check started')
      .map((line) => line.trigger);
    expect(triggers.length).toBeGreaterThan(0);
    expect(new Set(triggers)).toEqual(new Set(['schedule']));
  });

  it('SIGTERM during verification undoes that update, then exits 0', async () => {
    const image = `${lab.registry.host}/${uniqueName('term')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('term');
    const scope = uniqueName('term-scope');
    const first = await runContainer(name, image, { Labels: { 'tidewatch.scope': scope } });
    await publishUpdate(image);

    // A 120 s window: a daemon that waited for the verification would outlive stop()'s 60 s.
    const daemon = await startDaemon(
      ['--scope', scope, '--stop-timeout', '1s', '--verify-window', '120s'],
      dataDir(),
    );
    let code: number | null;
    try {
      await eventually(daemon.stderr, (text) => text.includes('verifying the new container'), 30_000);
    } finally {
      code = await daemon.stop();
    }
    expect(code).toBe(0);
    const messages = logLines(daemon.stderr()).map((line) => line.msg);
    expect(messages.indexOf('stopping')).toBeLessThan(
      messages.indexOf('update undone; the original containers run as before'),
    );
    expect(messages).not.toContain('updated');
    expect(messages.at(-1)).toBe('stopped');
    const now = await docker.getContainer(name).inspect();
    expect(now.Id).toBe(first.id);
    expect(now.State.Running).toBe(true);
  });
});
