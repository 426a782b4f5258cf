import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import { createCredentialStore } from '../../src/registry/index.js';

// Real helper programs on PATH, speaking the docker-credential-helpers protocol: the server URL
// on stdin, JSON on stdout, "credentials not found" and exit 1 when there is nothing.
const TWTEST = `#!/bin/sh
read -r url
printf '%s\\n' "$url" >> "$TWTEST_LOG"
case "$url" in
  helped.example:5000) echo '{"ServerURL":"helped.example:5000","Username":"helper-user","Secret":"helper-pass"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"<token>","Secret":"refresh-xyz"}' ;;
  stored.example) echo '{"Username":"store-user","Secret":"store-pass"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;
const BROKEN = `#!/bin/sh
cat > /dev/null
echo "keychain locked" >&2
exit 3
`;
const GARBAGE = `#!/bin/sh
cat > /dev/null
echo 'not json secret-value'
`;

let dir: string;
let binDir: string;
let logFile: string;
const savedPath = process.env.PATH;

async function storeWith(config: unknown, options: { repoUser?: string; repoPass?: string } = {}) {
  const configDir = await mkdtemp(join(dir, 'cfg-'));
  if (config !== undefined) {
    await writeFile(
      join(configDir, 'config.json'),
      typeof config === 'string' ? config : JSON.stringify(config),
    );
  }
  return createCredentialStore({ dockerConfigDir: configDir, logger: silentLogger(), ...options });
}

const helperCalls = async (): Promise<string[]> =>
  (await readFile(logFile, 'utf8').catch(() => '')).split('\n').filter(Boolean);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tw-creds-'));
  binDir = join(dir, 'bin');
  logFile = join(dir, 'helper.log');
  await mkdir(binDir);
  for (const [name, body] of [
    ['twtest', TWTEST],
    ['twbroken', BROKEN],
    ['twgarbage', GARBAGE],
  ] as const) {
    const file = join(binDir, `docker-credential-${name}`);
    await writeFile(file, body);
    await chmod(file, 0o755);
  }
  process.env.PATH = `${binDir}${delimiter}${savedPath ?? ''}`;
  process.env.TWTEST_LOG = logFile;
});

beforeEach(async () => {
  await rm(logFile, { force: true });
});

afterAll(async () => {
  process.env.PATH = savedPath;
  delete process.env.TWTEST_LOG;
  await rm(dir, { recursive: true, force: true });
});

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('createCredentialStore', () => {
  it('REPO_USER/REPO_PASS win for every registry', async () => {
    const store = await storeWith(
      { auths: { 'ghcr.io': { auth: b64('file:user') } } },
      { repoUser: 'u', repoPass: 'p' },
    );
    expect(await store.get('ghcr.io')).toEqual({ username: 'u', password: 'p' });
    expect(await store.get('docker.io')).toEqual({ username: 'u', password: 'p' });
  });

  it('credHelpers for the host run the helper with the server URL on stdin', async () => {
    const store = await storeWith({
      credHelpers: { 'helped.example:5000': 'twtest' },
      credsStore: 'twbroken',
    });
    expect(await store.get('helped.example:5000')).toEqual({
      username: 'helper-user',
      password: 'helper-pass',
    });
    expect(await helperCalls()).toEqual(['helped.example:5000']);
  });

  it('caches per registry for the life of the store', async () => {
    const store = await storeWith({ credHelpers: { 'helped.example:5000': 'twtest' } });
    await Promise.all([store.get('helped.example:5000'), store.get('helped.example:5000')]);
    await store.get('helped.example:5000');
    expect(await helperCalls()).toHaveLength(1);
  });

  it('credsStore serves registries without a credHelpers entry; <token> means an identity token', async () => {
    const store = await storeWith({ credsStore: 'twtest', credHelpers: { 'other.example': 'twbroken' } });
    expect(await store.get('stored.example')).toEqual({ username: 'store-user', password: 'store-pass' });
    expect(await store.get('docker.io')).toEqual({ identityToken: 'refresh-xyz' });
    expect(await helperCalls()).toEqual(['stored.example', 'https://index.docker.io/v1/']);
  });

  it('a helper saying "credentials not found" is no credentials, not an error, and falls back to auths', async () => {
    const store = await storeWith({
      credsStore: 'twtest',
      auths: { 'fallback.example': { auth: b64('fa:fb') } },
    });
    expect(await store.get('nothing.example')).toBeUndefined();
    expect(await store.get('fallback.example')).toEqual({ username: 'fa', password: 'fb' });
  });

  it('a helper that is not installed is skipped in favour of auths', async () => {
    const store = await storeWith({
      credsStore: 'not-installed-tw',
      auths: { 'a.example': { auth: b64('x:y') } },
    });
    expect(await store.get('a.example')).toEqual({ username: 'x', password: 'y' });
  });

  it('a failing helper is an error naming the helper, and is not cached', async () => {
    const store = await storeWith({ credsStore: 'twbroken' });
    await expect(store.get('x.example')).rejects.toMatchObject({
      code: 'credential-helper-failed',
      message: 'docker-credential-twbroken get x.example failed: keychain locked',
    });
    await expect(store.get('x.example')).rejects.toThrow('keychain locked');
  });

  it('helper output that is not JSON is an error that does not echo the output', async () => {
    const store = await storeWith({ credsStore: 'twgarbage' });
    const error: unknown = await store.get('x.example').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'credential-helper-failed' });
    expect(String(error)).not.toContain('secret-value');
  });

  it('auths: base64 auth, username/password, identitytoken', async () => {
    const store = await storeWith({
      auths: {
        'https://one.example': { auth: b64('one:pa:ss') },
        'two.example:5000': { username: 'two', password: 'pw' },
        'http://three.example/v2/': { identitytoken: 'idt' },
        'four.example': {},
      },
    });
    expect(await store.get('one.example')).toEqual({ username: 'one', password: 'pa:ss' });
    expect(await store.get('two.example:5000')).toEqual({ username: 'two', password: 'pw' });
    expect(await store.get('three.example')).toEqual({ identityToken: 'idt' });
    expect(await store.get('four.example')).toBeUndefined();
    expect(await store.get('two.example')).toBeUndefined();
  });

  it.each([
    'https://index.docker.io/v1/',
    'docker.io',
    'index.docker.io',
    'registry-1.docker.io',
    'https://index.docker.io/v2/',
  ])('Docker Hub key %s serves docker.io', async (key) => {
    const store = await storeWith({ auths: { [key]: { auth: b64('hub:pw') } } });
    expect(await store.get('docker.io')).toEqual({ username: 'hub', password: 'pw' });
  });

  it('prefers the canonical Docker Hub key', async () => {
    const store = await storeWith({
      auths: {
        'docker.io': { auth: b64('alias:pw') },
        'https://index.docker.io/v1/': { auth: b64('canon:pw') },
      },
    });
    expect(await store.get('docker.io')).toEqual({ username: 'canon', password: 'pw' });
  });

  it('no config file means no credentials', async () => {
    expect(await (await storeWith(undefined)).get('ghcr.io')).toBeUndefined();
  });

  it('malformed config.json is an invalid-docker-config error naming the file, without echoing it', async () => {
    const store = await storeWith('{"auths": {"ghcr.io": {"auth": "c2VjcmV0"}');
    const error: unknown = await store.get('ghcr.io').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-docker-config' });
    expect((error as Error).message).toMatch(/config\.json is not valid JSON$/);
    expect((error as Error).message).not.toContain('c2VjcmV0');
  });

  it('a config.json of the wrong shape is invalid-docker-config', async () => {
    const store = await storeWith({ auths: { 'ghcr.io': { auth: 42 } } });
    await expect(store.get('ghcr.io')).rejects.toMatchObject({
      code: 'invalid-docker-config',
      message: expect.stringMatching(/config\.json is malformed: auths\.ghcr\.io\.auth: /) as unknown,
    });
  });

  it('an auth value that is not base64 user:password is invalid-docker-config', async () => {
    const store = await storeWith({ auths: { 'ghcr.io': { auth: b64('nocolon') } } });
    await expect(store.get('ghcr.io')).rejects.toMatchObject({ code: 'invalid-docker-config' });
  });

  it('defaults to $DOCKER_CONFIG', async () => {
    const configDir = await mkdtemp(join(dir, 'env-'));
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({ auths: { 'e.example': { auth: b64('e:f') } } }),
    );
    const saved = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = configDir;
    try {
      const store = createCredentialStore({ logger: silentLogger() });
      expect(await store.get('e.example')).toEqual({ username: 'e', password: 'f' });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = saved;
    }
  });
});
