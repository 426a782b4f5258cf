import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { publishUpdate } from '../support/images.js';
import { expectExit, runCli } from '../support/tidewatch.js';

describe('tidewatch rollback NAME', () => {
  const docker = labDocker();
  const lab = useLab();
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-rollback-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('puts the previous image back, verified, and keeps the next cycle from re-applying the newer one until forget', async () => {
    const env = { TIDEWATCH_DATA_DIR: dataDir };
    const image = `${lab.registry.host}/${uniqueName('rb')}:latest`;
    const { imageId: first } = await buildAndPush(image);
    const name = uniqueName('rb');
    await runContainer(name, image);
    const { imageId: second } = await publishUpdate(image);
    const once = (...args: string[]) => runCli(['once', '--stop-timeout', '1s', ...args, name], env);
    expectExit(await once());
    expect((await docker.getContainer(name).inspect()).Image).toBe(second);

    const rollback = await runCli(['rollback', '--stop-timeout', '1s', name], env);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain(`Rolled ${name} back to ${first}`);
    const back = await docker.getContainer(name).inspect();
    expect(back.Image).toBe(first);
    expect(back.State.Running).toBe(true);

    // The registry still offers the newer digest, but it was rolled back by hand: skipped.
    expectExit(await once());
    expect((await docker.getContainer(name).inspect()).Image).toBe(first);

    const history = JSON.parse(
      (await runCli(['history', '--json', '--container', name], env)).stdout,
    ) as Array<{
      state: string;
      fromImageId: string;
      toImageId: string;
    }>;
    expect(history.map((record) => record.state)).toEqual(['committed', 'committed']);
    expect(history[0]).toMatchObject({ fromImageId: second, toImageId: first });

    expectExit(await runCli(['forget', name], env));
    expectExit(await once());
    expect((await docker.getContainer(name).inspect()).Image).toBe(second);
  });

  it('brings a sidecar in its network namespace along, wired to the rolled-back container', async () => {
    const env = { TIDEWATCH_DATA_DIR: dataDir };
    const [image, sideImage] = [
      `${lab.registry.host}/${uniqueName('rbn')}:latest`,
      `${lab.registry.host}/${uniqueName('rbs')}:latest`,
    ];
    const { imageId: first } = await buildAndPush(image);
    await buildAndPush(sideImage);
    const name = uniqueName('rbn');
    const side = uniqueName('rbs');
    await runContainer(name, image);
    await runContainer(side, sideImage, { HostConfig: { NetworkMode: `container:${name}` } });
    await publishUpdate(image);
    expectExit(await runCli(['once', '--stop-timeout', '1s', name], env));

    const rollback = await runCli(['rollback', '--stop-timeout', '1s', name], env);
    expect(rollback.code, rollback.stderr).toBe(0);
    const back = await docker.getContainer(name).inspect();
    expect(back.Image).toBe(first);
    const sidecar = await docker.getContainer(side).inspect();
    expect(sidecar.State.Running).toBe(true);
    expect(sidecar.HostConfig.NetworkMode).toBe(`container:${back.Id}`);
  });

  it('says why when there is nothing to roll back to', async () => {
    const image = `${lab.registry.host}/${uniqueName('rb')}:latest`;
    await buildAndPush(image);
    const name = uniqueName('rb');
    await runContainer(name, image);
    const result = await runCli(['rollback', name], { TIDEWATCH_DATA_DIR: dataDir });
    expectExit(result, 1);
    expect(result.stderr).toContain(
      `tidewatch: could not roll back ${name}: ${name} has no committed update to roll back\n`,
    );
  });
});
