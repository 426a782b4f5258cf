import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, loadSettings } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import { createCredentialStore } from '../../src/registry/index.js';

// A real helper on PATH, speaking the docker-credential-helpers protocol.
const HELPER = `#!/bin/sh
read -r url
case "$url" in
  ecr.example.com) echo '{"ServerURL":"ecr.example.com","Username":"AWS","Secret":"ecr-token"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

let dir: string;
const savedPath = process.env.PATH;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tw-config-creds-'));
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'docker-credential-twconf'), HELPER);
  await chmod(join(dir, 'bin', 'docker-credential-twconf'), 0o755);
  process.env.PATH = `${join(dir, 'bin')}${delimiter}${savedPath ?? ''}`;
  await writeFile(join(dir, 'ghcr-pass'), 'ghcr-secret\n');
  // config.json: the last link of the chain.
  await mkdir(join(dir, 'docker'));
  const auth = Buffer.from('hub-user:hub-pass').toString('base64');
  await writeFile(
    join(dir, 'docker', 'config.json'),
    JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth }, 'ghcr.io': { auth } } }),
  );
  await writeFile(
    join(dir, 'tidewatch.yml'),
    [
      'registries:',
      '  - { host: ghcr.io, username: me, passwordFile: ghcr-pass }',
      '  - { host: "https://index.docker.io/v1/", username: hubber, password: from-file }',
      '  - { host: ecr.example.com, credHelper: twconf }',
    ].join('\n'),
  );
});

afterAll(async () => {
  process.env.PATH = savedPath;
  await rm(dir, { recursive: true, force: true });
});

function storeFor(env: NodeJS.ProcessEnv) {
  const settings = loadSettings({}, env, loadConfigFile(join(dir, 'tidewatch.yml')));
  return createCredentialStore({
    logger: silentLogger(),
    dockerConfigDir: join(dir, 'docker'),
    registries: settings.registries,
    ...(settings.repoUser !== undefined ? { repoUser: settings.repoUser, repoPass: settings.repoPass } : {}),
  });
}

describe('registries from the config file in the credential chain', () => {
  it('come before config.json, for their own registry only', async () => {
    const store = storeFor({});
    expect(await store.get('ghcr.io')).toEqual({ username: 'me', password: 'ghcr-secret' });
    // Docker Hub's names all match the entry written with the docker CLI's key.
    expect(await store.get('docker.io')).toEqual({ username: 'hubber', password: 'from-file' });
    expect(await store.get('quay.io')).toBeUndefined();
  });

  it('come before REPO_USER, which still serves the other registries', async () => {
    const store = storeFor({ REPO_USER: 'everyone', REPO_PASS: 'shared' });
    expect(await store.get('ghcr.io')).toEqual({ username: 'me', password: 'ghcr-secret' });
    expect(await store.get('quay.io')).toEqual({ username: 'everyone', password: 'shared' });
  });

  it('can name a credential helper', async () => {
    expect(await storeFor({}).get('ecr.example.com')).toEqual({ username: 'AWS', password: 'ecr-token' });
  });
});
