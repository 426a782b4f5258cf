import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/domain/image-ref.js';
import type { LocalImage, Platform } from '../../src/domain/image.js';
import { silentLogger } from '../../src/log/index.js';
import { createCredentialStore, RegistryClient } from '../../src/registry/index.js';
import { HELPER_ANSWER_TTL_MS } from '../../src/registry/credential-expiry.js';
import {
  configDigest,
  pushForeignManifest,
  startRegistry,
  tagManifest,
  type LabRegistry,
} from '../lab/index.js';
import { htpasswdLine } from '../lab/htpasswd.js';

// Expiring credentials against the real distribution registry (htpasswd, Basic auth) and a real
// credential helper: a docker-credential-* script on PATH whose answer is a file the test rewrites,
// as ECR's token changes under a long-running daemon. The registry reloads htpasswd when it changes.

const USER = 'tide';
const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const HELPER = `twtest${randomUUID().slice(0, 8)}`;
const signal = (): AbortSignal => AbortSignal.timeout(30_000);

let registry: LabRegistry;
let dir: string;
let image: LocalImage;
let digest: string;
const savedPath = process.env.PATH;

const secretFile = (): string => join(dir, 'secret');
const callsFile = (): string => join(dir, 'calls');
const helperCalls = async (): Promise<number> =>
  (await readFile(callsFile(), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

/** Changes the password the registry accepts, as a rotated cloud token does. */
async function setRegistryPassword(password: string): Promise<void> {
  await writeFile(registry.htpasswdFile ?? '', `${await htpasswdLine(USER, password)}\n`);
}

beforeAll(async () => {
  registry = await startRegistry({ htpasswd: { username: USER, password: 'first-pass' } });
  dir = await mkdtemp(join(tmpdir(), 'tidewatch-cred-helper-'));
  // A helper the way docker-credential-helpers behave: server URL on stdin, JSON on stdout.
  const script = join(dir, `docker-credential-${HELPER}`);
  await writeFile(
    script,
    `#!/bin/sh\ncat >/dev/null\necho get >>"${callsFile()}"\n` +
      `printf '{"ServerURL":"x","Username":"${USER}","Secret":"%s"}' "$(cat "${secretFile()}")"\n`,
  );
  await chmod(script, 0o755);
  process.env.PATH = `${dir}${delimiter}${savedPath ?? ''}`;
  await writeFile(secretFile(), 'first-pass');
  const manifest = await pushForeignManifest(registry, 'it/rotating', AMD64);
  await tagManifest(registry, 'it/rotating', manifest.digest, 'v1');
  digest = manifest.digest;
  const config = await configDigest(registry, 'it/rotating', digest);
  image = { id: config, repoDigests: [`${registry.host}/it/rotating@${digest}`], platform: AMD64 };
});

afterAll(async () => {
  process.env.PATH = savedPath;
  await registry?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** A docker config dir naming the helper for the lab registry, and a client reading it. */
async function newClient(now: () => number = Date.now) {
  const configDir = await mkdtemp(join(dir, 'docker-'));
  await writeFile(
    join(configDir, 'config.json'),
    JSON.stringify({ credHelpers: { [registry.host]: HELPER } }),
  );
  const credentials = createCredentialStore({ dockerConfigDir: configDir, logger: silentLogger(), now });
  return new RegistryClient({ credentials, logger: silentLogger() });
}

const check = (client: RegistryClient) =>
  client.session().resolve(parseImageRef(`${registry.host}/it/rotating:v1`), image, signal());

describe('credential helper answers expire', () => {
  it('keeps checking across a password change with exactly one extra helper call', async () => {
    await setRegistryPassword('first-pass');
    await writeFile(secretFile(), 'first-pass');
    const client = await newClient();
    const before = await helperCalls();
    expect(await check(client)).toEqual({ kind: 'current', remoteDigest: digest });
    expect(await check(client)).toEqual({ kind: 'current', remoteDigest: digest });
    expect(await helperCalls()).toBe(before + 1); // the answer is kept between cycles

    await setRegistryPassword('second-pass');
    await writeFile(secretFile(), 'second-pass');
    expect(await check(client)).toEqual({ kind: 'current', remoteDigest: digest });
    expect(await check(client)).toEqual({ kind: 'current', remoteDigest: digest });
    expect(await helperCalls()).toBe(before + 2);
  });

  it('a refused fresh answer fails once per request, clearly, without the secret', async () => {
    await setRegistryPassword('third-pass');
    await writeFile(secretFile(), 'first-pass');
    const client = await newClient();
    const before = await helperCalls();
    const result = await check(client);
    expect(result).toMatchObject({ kind: 'error', code: 'registry-unauthorized' });
    expect(result.kind === 'error' && result.message).toContain(
      `credentials for ${registry.host} are refused`,
    );
    expect(result.kind === 'error' && result.message).not.toContain('first-pass');
    // The first answer, then one fresh answer after the 401: no loop.
    expect(await helperCalls()).toBe(before + 2);
  });

  it('a transfer (bundles, copies) asks the helper again on a 401 and goes on, once', async () => {
    await setRegistryPassword('first-pass');
    await writeFile(secretFile(), 'first-pass');
    const client = await newClient();
    const transfer = client.transfer(signal());
    const ref = parseImageRef(`${registry.host}/it/rotating:v1`);
    const head = async (): Promise<number> => {
      const response = await transfer.send(ref, 'pull', '/manifests/v1', {
        method: 'HEAD',
        headers: {
          accept:
            'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
        },
      });
      await response.arrayBuffer();
      return response.status;
    };
    const before = await helperCalls();
    expect(await head()).toBe(200);
    expect(await head()).toBe(200);
    expect(await helperCalls()).toBe(before + 1);

    // Rotated under the transfer: one more helper call, and the transfer goes on.
    await setRegistryPassword('second-pass');
    await writeFile(secretFile(), 'second-pass');
    expect(await head()).toBe(200);
    expect(await helperCalls()).toBe(before + 2);

    // Refused even fresh: the 401 comes back after one more helper call, no loop.
    await setRegistryPassword('third-pass');
    expect(await head()).toBe(401);
    expect(await helperCalls()).toBe(before + 3);
  });

  it('asks the helper again once its answer is older than the TTL', async () => {
    await setRegistryPassword('first-pass');
    await writeFile(secretFile(), 'first-pass');
    let clock = Date.now();
    const client = await newClient(() => clock);
    const before = await helperCalls();
    expect(await check(client)).toEqual({ kind: 'current', remoteDigest: digest });
    clock += HELPER_ANSWER_TTL_MS - 1000;
    expect(await check(client)).toEqual({ kind: 'current', remoteDigest: digest });
    expect(await helperCalls()).toBe(before + 1);
    clock += 2000;
    expect(await check(client)).toEqual({ kind: 'current', remoteDigest: digest });
    expect(await helperCalls()).toBe(before + 2);
  });
});

describe('config.json logins', () => {
  it('are read again when the file changes', async () => {
    await setRegistryPassword('first-pass');
    const configDir = await mkdtemp(join(dir, 'docker-'));
    const configFile = join(configDir, 'config.json');
    const writeLogin = (password: string) => {
      const auth = Buffer.from(`${USER}:${password}`).toString('base64');
      return writeFile(configFile, JSON.stringify({ auths: { [registry.host]: { auth } } }));
    };
    await writeLogin('first-pass');
    const credentials = createCredentialStore({ dockerConfigDir: configDir, logger: silentLogger() });
    const client = new RegistryClient({ credentials, logger: silentLogger() });
    expect(await check(client)).toEqual({ kind: 'current', remoteDigest: digest });

    await setRegistryPassword('rotated-pass-0123');
    await writeLogin('rotated-pass-0123');
    expect(await check(client)).toEqual({ kind: 'current', remoteDigest: digest });
  });
});
