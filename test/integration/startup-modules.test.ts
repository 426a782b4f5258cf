import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertEngine, buildImage, cleanupLab, runContainer, uniqueName } from '../lab/index.js';
import { MAIN, cliEnv, type CliResult } from '../support/tidewatch.js';

/**
 * What a plain daemon loads (docs/performance.md): the optional parts are loaded on first use,
 * and dockerode's clients for ssh:// engines and BuildKit never. Each check runs the shipped CLI
 * (`once` over a scope no container is in, against the lab engine) with a preload that records
 * every module the process loads.
 */
const RECORDER = fileURLToPath(new URL('../support/record-loads.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tw-loads-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cleanupLab();
});

/**
 * Packages a daemon with no notification URL, GitOps source, --config, pretty logs,
 * --signature-identity, OIDC or tag pattern never needs.
 */
const OPTIONAL = [
  'mqtt',
  'nodemailer',
  'simple-git',
  'yaml',
  'pino-pretty',
  '@sigstore/bundle',
  '@sigstore/core',
  '@sigstore/protobuf-specs',
  '@sigstore/verify',
  'openid-client',
  're2js',
];
const NEVER = ['ssh2', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'];

async function onceRecordingLoads(
  env: NodeJS.ProcessEnv,
  scope = uniqueName('nobody'),
): Promise<CliResult & { packages: Set<string> }> {
  const loads = join(dir, `${uniqueName('loads')}.txt`);
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const child = spawn(process.execPath, ['--import', RECORDER, MAIN, 'once', '--scope', scope], {
    env: cliEnv({ TIDEWATCH_DATA_DIR: dataDir, TIDEWATCH_TEST_LOADS_FILE: loads, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const packages = new Set<string>();
  for (const line of readFileSync(loads, 'utf8').split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(line);
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  return { code, stdout, stderr, packages };
}

describe('the modules a plain run loads', () => {
  it('loads no optional package until it is used, and none of dockerode ssh and BuildKit clients', async () => {
    await assertEngine();
    const run = await onceRecordingLoads({});
    expect(run.code, run.stderr).toBe(0);
    // The recorder works: the native store module (outside the bundle) is in the list.
    expect(run.packages).toContain('better-sqlite3');
    for (const name of [...OPTIONAL, ...NEVER]) expect(run.packages, name).not.toContain(name);
  });

  it('has none of them inside the bundle either (scripts/bundle.js lists what went in)', () => {
    const inputs = JSON.parse(readFileSync(new URL('inputs.json', pathToFileURL(MAIN)), 'utf8')) as string[];
    // Paths are relative to the checkout; through a linked node_modules (a git worktree) they
    // start with ../ instead.
    const of = (name: string) => inputs.filter((file) => file.includes(`node_modules/${name}/`));
    expect(of('dockerode')).not.toEqual([]);
    for (const name of [...OPTIONAL, ...NEVER]) expect(of(name), name).toEqual([]);
  });

  it('loads the Sigstore packages when --signature-identity is set, from outside the bundle', async () => {
    const root = fileURLToPath(new URL('../fixtures/sigstore/trusted_root.production.json', import.meta.url));
    const run = await onceRecordingLoads({
      TIDEWATCH_SIGNATURE_IDENTITY: 'issuer=https://issuer.example,subject=^x$',
      TIDEWATCH_SIGNATURE_TRUSTED_ROOT: root,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.packages).toContain('@sigstore/verify');
  });

  it('loads re2js for a tag pattern, from outside the bundle', async () => {
    await assertEngine();
    const scope = uniqueName('loads-pattern');
    // Port 9 on loopback refuses at once: the cycle reads the labels first, then fails to ask.
    const image = `127.0.0.1:9/${uniqueName('pattern')}:1.0`;
    await buildImage(image);
    await runContainer(uniqueName('pattern'), image, {
      Labels: { 'tidewatch.scope': scope, 'tidewatch.tags.include': '^1\\.' },
    });
    const run = await onceRecordingLoads({}, scope);
    expect(run.packages, run.stderr).toContain('re2js');
  });

  it('loads pino-pretty for pretty logs, and they are pretty', async () => {
    const run = await onceRecordingLoads({ TIDEWATCH_LOG_FORMAT: 'pretty' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.packages).toContain('pino-pretty');
    expect(run.stderr).toMatch(/INFO.*tidewatch \S+ starting/);
    expect(run.stderr).not.toMatch(/^\{"level"/m);
  });
});
