import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, labLabels, runContainer, uniqueName } from '../lab/index.js';
import { buildNodeBase, buildTidewatchImage, freePort } from '../support/image-base.js';
import { eventually, publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';

const ROOT = new URL('../../', import.meta.url);
const RUNTIME_MARK = '# --- runtime';
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }
).version;

function runtimeStage(file: string): string {
  const text = readFileSync(new URL(file, ROOT), 'utf8');
  const start = text.indexOf(RUNTIME_MARK);
  // From the line after the marker: the marker names the other file.
  return text.slice(text.indexOf('\n', start) + 1);
}

/** The container's state, its last probes' output and its log's end: what a failure needs to say. */
async function whyNotHealthy(container: Awaited<ReturnType<typeof runContainer>>): Promise<string> {
  const { State } = await container.inspect();
  const probes = (State.Health?.Log ?? []).map(
    (probe) => `${probe.Start} exit ${probe.ExitCode}: ${probe.Output.trim()}`,
  );
  const logs = (await container.logs({ stdout: true, stderr: true, tail: 30 })).toString('utf8');
  return [
    `state: ${State.Status} (exit ${State.ExitCode}, ${State.Error || 'no error'})`,
    `last probes:\n${probes.join('\n')}`,
    `log ends:\n${logs}`,
  ].join('\n');
}

describe('the container image', () => {
  const docker = labDocker();
  const lab = useLab();
  const images: string[] = [];
  let image = '';

  beforeAll(async () => {
    const base = await buildNodeBase();
    images.push(base);
    image = `${uniqueName('tidewatch-image')}:test`;
    await buildTidewatchImage(image, base, {}, { VERSION: PACKAGE_VERSION, REVISION: 'c0ffee0' });
    images.unshift(image);
  }, 600_000);

  // Before useLab's cleanup: the image first, then its base, so the engine never sees a parent
  // removed under a child (cleanupLab removes in parallel).
  afterAll(async () => {
    for (const container of await docker.listContainers({ all: true, filters: { ancestor: [image] } })) {
      await docker.getContainer(container.Id).remove({ force: true, v: true });
    }
    for (const tag of images)
      await docker
        .getImage(tag)
        .remove({ force: true })
        .catch(() => undefined);
  }, 300_000);

  it('has the same runtime stage in Dockerfile and Dockerfile.local', () => {
    expect(runtimeStage('Dockerfile')).toBe(runtimeStage('Dockerfile.local'));
  });

  it('is labelled as Tidewatch, runs `tidewatch run` on /data, and checks its health without npm', async () => {
    const config = (await docker.getImage(image).inspect()).Config;
    expect(config.Labels).toMatchObject({
      'tidewatch.self': 'true',
      'org.opencontainers.image.title': 'Tidewatch',
      'org.opencontainers.image.source': 'https://github.com/tidewatch/tidewatch',
      'org.opencontainers.image.version': PACKAGE_VERSION,
      'org.opencontainers.image.revision': 'c0ffee0',
    });
    expect(config.Env).toEqual(
      expect.arrayContaining(['TIDEWATCH_DATA_DIR=/data', 'TIDEWATCH_HTTP_ADDR=0.0.0.0:8080']),
    );
    expect(config.Volumes).toHaveProperty('/data');
    expect(config.Entrypoint).toEqual(['node', '/app/bin/tidewatch.js']);
    expect(config.Cmd).toEqual(['run']);
    expect(config.Healthcheck?.Test).toEqual(['CMD', 'node', '/app/bin/tidewatch.js', 'healthcheck']);
  });

  it('serves /healthz, becomes healthy, and updates a container whose tag moved', async () => {
    const scope = uniqueName('image-scope');
    const ref = `${lab.registry.host}/${uniqueName('image-app')}:1`;
    await buildAndPush(ref);
    const appName = uniqueName('image-app');
    const app = await runContainer(appName, ref, { Labels: { 'tidewatch.scope': scope } });
    const before = (await app.inspect()).Image;
    const { imageId: moved } = await publishUpdate(ref);

    const port = await freePort();
    const volume = uniqueName('image-data');
    await docker.createVolume({ Name: volume, Labels: labLabels() });
    // --network host: the lab registry listens on the host's loopback.
    const tidewatch = await runContainer(uniqueName('image-tidewatch'), image, {
      Env: [
        `TIDEWATCH_HTTP_ADDR=127.0.0.1:${port}`,
        `TIDEWATCH_SCOPE=${scope}`,
        'TIDEWATCH_VERIFY_WINDOW=1s',
      ],
      // Its image was built here and never pushed: self-update has nothing to compare it with.
      Labels: { 'tidewatch.scope': scope },
      // Docker merges this with the image's HEALTHCHECK: its command, probed every second. The
      // probe is a node process; on a machine loaded by the other test files it can take longer
      // than the image's 5 s, so the test gives it 20 s (the command is what is under test).
      Healthcheck: { Interval: 1_000_000_000, Timeout: 20_000_000_000 },
      HostConfig: {
        NetworkMode: 'host',
        Binds: ['/var/run/docker.sock:/var/run/docker.sock', `${volume}:/data`],
      },
    });

    const health = await eventually(
      async () => (await tidewatch.inspect()).State.Health?.Status,
      (status) => status === 'healthy',
      120_000,
    );
    expect(health, await whyNotHealthy(tidewatch)).toBe('healthy');
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(await response.json()).toEqual({ status: 'ok' });

    const now = await eventually(
      async () =>
        (
          await docker
            .getContainer(appName)
            .inspect()
            .catch(() => undefined)
        )?.Image,
      (id) => id === moved,
      120_000,
    );
    expect(now).not.toBe(before);
    expect(now, await whyNotHealthy(tidewatch)).toBe(moved);
    const logs = (await tidewatch.logs({ stdout: true, stderr: true })).toString('utf8');
    expect(logs).toContain('it is the container Tidewatch runs in');
  }, 300_000);
});
