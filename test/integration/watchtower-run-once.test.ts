import { beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { expectExit, logLines, runCli } from '../support/tidewatch.js';

// Watchtower's `watchtower --run-once NAME` (compose `command: -R NAME`): one cycle over the named
// containers only, then exit. The shared engine's other containers are never named, so never touched.
describe("Watchtower's -R with container names, without a subcommand", () => {
  const docker = labDocker();
  const lab = useLab();
  const named = uniqueName('wt-once-named');
  const other = uniqueName('wt-once-other');
  let oldImageId: string;

  beforeAll(async () => {
    const image = `${lab.registry.host}/${uniqueName('wt-once')}:latest`;
    oldImageId = (await buildAndPush(image, { env: ['VERSION=one'] })).imageId;
    for (const name of [named, other]) await runContainer(name, image, { Cmd: ['sleep', '3600'] });
    await publishUpdate(image, { env: ['VERSION=two'] });
  });

  it('updates only the named container from the new image, then exits 0', async () => {
    const result = expectExit(
      await runCli(['-R', '-d', '--stop-timeout', '1s', named], {
        // Read by nothing: warned about, one line, and the run goes on.
        WATCHTOWER_NO_RESTART: 'true',
        WATCHTOWER_POLL_INTERVAL: '30',
      }),
    );
    expect((await docker.getContainer(named).inspect()).Config.Env).toContain('VERSION=two');
    const untouched = await docker.getContainer(other).inspect();
    expect(untouched.Image).toBe(oldImageId);

    const lines = logLines(result.stderr);
    const warnings = lines.filter((line) =>
      String(line.msg).includes('is set but Tidewatch does not read it'),
    );
    expect(warnings.map((line) => line.variable)).toEqual(['WATCHTOWER_NO_RESTART']);
    expect(warnings[0]?.msg).toMatch(
      /^WATCHTOWER_NO_RESTART is set but Tidewatch does not read it: Not applicable/,
    );
    expect(warnings[0]?.level).toBe('warn');
    // -d is Watchtower's --debug: debug lines are written (pino's level 20).
    expect(lines.some((line) => line.level === 'debug')).toBe(true);
    expect(lines.find((line) => line.msg === 'done')).toMatchObject({ updated: 1, failed: 0 });
  });
});
