import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { startDaemon } from '../support/daemon.js';
import { eventually, publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { logLines } from '../support/tidewatch.js';

describe('per-container schedules (tidewatch.schedule)', () => {
  const docker = labDocker();
  const lab = useLab();
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-schedule-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const idOf = async (name: string): Promise<string | undefined> =>
    (
      await docker
        .getContainer(name)
        .inspect()
        .catch(() => undefined)
    )?.Id;

  async function moved(
    scope: string,
    labels: Record<string, string> = {},
  ): Promise<{ name: string; id: string }> {
    const image = `${lab.registry.host}/${uniqueName('sched')}:1`;
    await buildAndPush(image);
    const name = uniqueName('sched');
    const { id } = await runContainer(name, image, { Labels: { 'tidewatch.scope': scope, ...labels } });
    await publishUpdate(image);
    return { name, id };
  }

  it('a container with its own cron is checked on it, and the global schedule leaves it alone', async () => {
    const scope = uniqueName('sched-scope');
    const plain = await moved(scope);
    // Its own cron fires once a year: the global runs must not update it meanwhile.
    const yearly = await moved(scope, { 'tidewatch.schedule': '0 0 0 1 1 *' });
    const frequent = await moved(scope, { 'tidewatch.schedule': '*/2 * * * * *' });

    const daemon = await startDaemon(['--interval', '1s', '--scope', scope, '--stop-timeout', '1s'], {
      TIDEWATCH_DATA_DIR: dir,
    });
    let code: number | null;
    try {
      const changed = (container: { name: string; id: string }) =>
        eventually(
          () => idOf(container.name),
          (id) => id !== undefined && id !== container.id,
          60_000,
        );
      expect(await changed(plain)).not.toBe(plain.id);
      expect(await changed(frequent)).not.toBe(frequent.id);
      // Several global runs after the plain container's update: the yearly one is still as it was.
      const finished = (): number =>
        logLines(daemon.stderr()).filter((line) => line.msg === 'check finished').length;
      const seen = finished();
      await eventually(finished, (count) => count >= seen + 3, 40_000);
      expect(await idOf(yearly.name)).toBe(yearly.id);
    } finally {
      code = await daemon.stop();
    }
    expect(code).toBe(0);
    const lines = logLines(daemon.stderr());
    const armed = lines
      .filter((line) => line.msg === 'checking on its own schedule')
      .map((line) => line.container);
    expect(new Set(armed)).toEqual(new Set([yearly.name, frequent.name]));
    // Its cron asked for runs of that container alone (a burst may merge them with a global run).
    const asked = lines.filter((line) => line.msg === 'run requested' && line.why === 'its own schedule');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((line) => JSON.stringify(line.names) === JSON.stringify([frequent.name]))).toBe(true);
    expect(lines.some((line) => line.msg === 'updated' && line.container === yearly.name)).toBe(false);
    // Many cron and interval runs: on a loaded machine (the whole suite at once) this takes minutes.
  }, 300_000);
});
