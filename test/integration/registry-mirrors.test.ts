import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAndPush,
  startEngines,
  startRegistry,
  stopEngines,
  uniqueName,
  type ExtraEngine,
  type LabRegistry,
  type RegistryRequest,
} from '../lab/index.js';
import { useLab } from '../support/lab.js';
import { runOn } from '../support/fleet.js';
import { expectExit, logLines, runCli } from '../support/tidewatch.js';

// Docker Hub mirrors (dockerd's registry-mirrors) on real parts. There is no Docker Hub here, so a
// lab registry stands in for it (TIDEWATCH_DOCKER_HUB_ORIGIN, read by wiring only for this), and a
// second registry runs as a pull-through cache of it, as a Hub mirror does. An extra engine is
// started with that mirror: it pulls `NAME:latest` (docker.io/library/NAME) through the mirror,
// and Tidewatch, told nothing, reads the mirror from the engine's `docker info`.

const TIDEWATCH_AGENT = 'tidewatch';
const LONG = 150_000;

/** Tidewatch's own manifest requests (the mirror's proxied ones carry the registry's agent). */
const ownManifestRequests = (registry: LabRegistry, repo: string): RegistryRequest[] =>
  registry.manifestRequests(repo).filter((request) => request.userAgent === TIDEWATCH_AGENT);

describe('registry mirrors', () => {
  const lab = useLab();
  let hub: LabRegistry;
  let mirror: LabRegistry;
  let engine: ExtraEngine;
  const engineName = `mir-${randomBytes(3).toString('hex')}`;
  const name = uniqueName('mirrored');
  const repo = `library/${name}`;
  let env: NodeJS.ProcessEnv;
  let v2: string;

  beforeAll(async () => {
    hub = lab.registry;
    mirror = await startRegistry({ proxy: { remoteurl: `http://${hub.host}` } });
    [engine] = (await startEngines([engineName], { registryMirror: `http://${mirror.host}` })) as [
      ExtraEngine,
    ];
    await buildAndPush(`${hub.host}/${repo}:latest`, { env: ['VERSION=1'] });
    // The engine pulls docker.io/library/NAME: from the mirror, which fetches it from "Hub".
    await runOn(engine, 'app', `${name}:latest`);
    v2 = (await buildAndPush(`${hub.host}/${repo}:latest`, { env: ['VERSION=2'] })).digest;
    env = { DOCKER_HOST: engine.host, TIDEWATCH_DOCKER_HUB_ORIGIN: hub.host };
  }, LONG);

  afterAll(async () => {
    await stopEngines([engineName]);
    await mirror?.stop();
  }, LONG);

  it("check asks the engine's mirror, as many manifest requests as without one, and nothing of Hub", async () => {
    hub.resetRequests();
    mirror.resetRequests();
    const result = expectExit(await runCli(['check', '--json', 'app'], env));
    const [entry] = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(entry).toMatchObject({ name: 'app', status: 'update-available' });
    await Promise.all([hub.flush(), mirror.flush()]);
    // The tag's digest (HEAD), then the moved manifest (GET) to compare its config: both of the mirror.
    expect(ownManifestRequests(mirror, repo).map((request) => request.method)).toEqual(['HEAD', 'GET']);
    expect(ownManifestRequests(hub, repo)).toHaveLength(0);
    // The mirror itself asked Hub for the tag: the digest it gave is Hub's current one.
    expect(hub.manifestRequests(repo).length).toBeGreaterThan(0);
  });

  it('a mirror that is down is skipped: the check falls back to Hub, with a warning naming it', async () => {
    const dead = await startRegistry();
    const deadHost = dead.host;
    await dead.stop();
    hub.resetRequests();
    const result = expectExit(
      await runCli(['check', '--json', '--registry-mirror', `http://${deadHost}`, 'app'], env),
    );
    const [entry] = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(entry).toMatchObject({ name: 'app', status: 'update-available' });
    await hub.flush();
    expect(ownManifestRequests(hub, repo).map((request) => request.method)).toEqual(['HEAD', 'GET']);
    const messages = logLines(result.stderr).map((line) => String(line.msg));
    // Asked once: after the first failure the mirror is down for the rest of the cycle.
    const warnings = messages.filter(
      (m) => m === `registry mirror ${deadHost} failed, asking the next source`,
    );
    expect(warnings).toHaveLength(1);
    expect(messages.some((message) => message.startsWith('--registry-mirror differs'))).toBe(true);
  });

  it('a bad --registry-mirror is one line naming it and the rule, exit 2', async () => {
    const result = await runCli(['check', '--registry-mirror', 'ftp://mirror.example', 'app'], env);
    expectExit(result, 2);
    expect(result.stderr.trim()).toContain(
      'ftp://mirror.example is not a registry mirror: the scheme must be http or https',
    );
  });

  it(
    'once updates through the mirror: the engine pulls the digest the check read',
    async () => {
      const result = expectExit(await runCli(['once', 'app'], env), 0);
      expect(result.code).toBe(0);
      const info = await engine.docker.getContainer('app').inspect();
      const image = (await engine.docker.getImage(info.Image).inspect()) as { RepoDigests?: string[] };
      expect(image.RepoDigests).toContain(`${name}@${v2}`);
      mirror.resetRequests();
      const again = expectExit(await runCli(['check', '--json', 'app'], env));
      expect(JSON.parse(again.stdout)).toMatchObject([{ name: 'app', status: 'current' }]);
    },
    LONG,
  );
});
