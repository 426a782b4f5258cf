import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAB_LABEL,
  RUN_ID,
  buildAndPush,
  labDocker,
  labLabels,
  runContainer,
  uniqueName,
  freePort,
} from '../lab/index.js';
import { buildNodeBase, buildTidewatchImage } from '../support/image-base.js';
import { eventually, publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);
// Debian's 20.10 CLI matches the engine.
const DOCKER = '/usr/bin/docker';
// What the bundle loads from node_modules (scripts/bundle-externals.js).
const EXTERNALS = (await import(new URL('scripts/bundle-externals.js', ROOT).href)) as {
  LOADED: string[];
};
// Every production dependency was about 80 MB (60 of them never loaded); what the bundle loads is
// about 17. A package pulled in again by mistake crosses this.
const NODE_MODULES_LIMIT = 30 * 1024 * 1024;
// In the image: the bytes under a folder, counted by node (the image has no shell nor du).
const DIR_BYTES =
  "const fs=require('fs'),p=require('path');const size=(d)=>fs.readdirSync(d,{withFileTypes:true})" +
  '.reduce((s,e)=>s+(e.isDirectory()?size(p.join(d,e.name)):e.isFile()?fs.statSync(p.join(d,e.name)).size:0),0);' +
  'console.log(size(process.argv[1]))';
// In the image, from /app: imports every package the bundle loads.
const LOADS =
  "import { readdirSync } from 'node:fs';" +
  "const loaded = JSON.parse(process.argv[1]); const names = loaded.flatMap((n) => n.endsWith('/*')" +
  " ? readdirSync('node_modules/' + n.slice(0, -2)).map((e) => n.slice(0, -1) + e) : [n]);" +
  "for (const n of names) await import(n); console.log(names.join(' '));";
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

  /** `entrypoint args...` in a throwaway container of the image: its stdout and stderr. */
  async function inImage(entrypoint: string, args: readonly string[]): Promise<string> {
    const { stdout, stderr } = await run(
      DOCKER,
      ['run', '--rm', '--label', `${LAB_LABEL}=${RUN_ID}`, '--entrypoint', entrypoint, image, ...args],
      { timeout: 120_000 },
    );
    return `${stdout}${stderr}`;
  }

  beforeAll(async () => {
    // With the host's git, ssh and docker-compose, as Dockerfile's image has alpine's.
    const base = await buildNodeBase({ tools: true });
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

  it('runs git, ssh and compose, which GitOps, ssh:// engines and compose write-back need', async () => {
    expect(await inImage('git', ['--version'])).toMatch(/^git version \d+\./);
    expect(await inImage('ssh', ['-V'])).toMatch(/^OpenSSH_\d/);
    // src/compose/cli.ts runs `docker compose version`, else this.
    expect(await inImage('docker-compose', ['version'])).toMatch(/^docker-compose version \d+\./);
  }, 300_000);

  it('carries in node_modules what the bundle loads and little else, each package loading', async () => {
    const loaded = await inImage('node', [
      '--input-type=module',
      '-e',
      LOADS,
      JSON.stringify(EXTERNALS.LOADED),
    ]);
    expect(loaded).toContain('better-sqlite3');
    expect(loaded).toContain('@sigstore/verify');
    // Inside the bundle, so not in the image: dockerode's dependencies, zod, pino, hono.
    const installed = await inImage('node', [
      '-p',
      "require('fs').readdirSync('/app/node_modules').join(' ')",
    ]);
    // And dockerode's unused clients, replaced by stand-ins in the bundle (scripts/bundle-plugins.js).
    for (const bundled of [
      'zod',
      'pino',
      'hono',
      'commander',
      'tar-fs',
      'typescript',
      'ssh2',
      '@grpc',
      'protobufjs',
    ]) {
      expect(installed.split(/\s+/)).not.toContain(bundled);
    }
    const bytes = Number(await inImage('node', ['-e', DIR_BYTES, '/app/node_modules']));
    const { Size: imageBytes } = await docker.getImage(image).inspect();
    const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.info(`image: ${mb(imageBytes)} (with the host-made base), node_modules: ${mb(bytes)}`);
    expect(bytes).toBeGreaterThan(1024 * 1024);
    expect(bytes).toBeLessThan(NODE_MODULES_LIMIT);
  }, 300_000);

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
