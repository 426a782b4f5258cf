import { readFileSync, writeFileSync } from 'node:fs';
import { applyBundle } from '../bundle/apply.js';
import { createBundle } from '../bundle/create.js';
import { BundleManifest, HaveFile } from '../bundle/format.js';
import { generateBundleKeys, loadSigningKey } from '../bundle/keys.js';
import { parsePlatformList } from '../bundle/platforms.js';
import { readManifestOnly } from '../bundle/read.js';
import { applyDepsOf, haveOf } from '../bundle/service.js';
import type { Settings } from '../config/index.js';
import { systemClock } from '../domain/clock.js';
import { TidewatchError, describeError } from '../domain/errors.js';
import { parseImageRef } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../log/index.js';
import { withBundles, type Store } from '../store/index.js';
import type { WiredDeps } from '../wiring.js';
import { formatTable, shortDigest } from './format.js';
import { jsonOutput } from './json-times.js';

export interface BundleArgs {
  readonly action: 'create' | 'apply' | 'have' | 'keygen' | 'list';
  readonly refs: readonly string[];
  readonly output?: string | undefined;
  readonly have?: string | undefined;
  readonly since?: string | undefined;
  readonly platform?: string | undefined;
  readonly signKey?: string | undefined;
  readonly json: boolean;
}

/** What main.ts hands the bundle commands: settings, and the ways to reach the engine and the store. */
export interface BundleEnv {
  readonly settings: Readonly<Settings>;
  readonly logger: Logger;
  readonly storeFile: string;
  readonly connect: () => Promise<WiredDeps>;
  readonly withStore: (
    use: (deps: WiredDeps & { store: Store; events: EventBus; shutdown: AbortSignal }) => Promise<number>,
  ) => Promise<number>;
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
}

/** `tidewatch bundle create|apply|have|keygen|list` (docs/offline.md). */
export async function bundleCommand(args: BundleArgs, env: BundleEnv): Promise<number> {
  switch (args.action) {
    case 'keygen':
      return keygen(args, env);
    case 'create':
      return create(args, env);
    case 'have': {
      const deps = await env.connect();
      const last = withBundles(env.storeFile, systemClock, (bundles) => bundles.lastApplied());
      const have = await haveOf({ ...deps, storeFile: env.storeFile }, last);
      return output(args.output, `${JSON.stringify(have, null, 2)}\n`, env);
    }
    case 'list':
      return list(args, env);
    case 'apply':
      return env.withStore(async (deps) => {
        const apply = applyDepsOf(
          { ...deps, storeFile: env.storeFile },
          deps.store.bundles,
          deps,
          deps.shutdown,
        );
        let code = 0;
        for (const file of args.refs) {
          const outcome = await applyBundle(apply, file);
          if (outcome.state === 'rejected') {
            env.writeError(`tidewatch: ${file} refused: ${outcome.reason}\n`);
            code = 1;
            continue;
          }
          env.write(`${file}: bundle ${outcome.manifest.id} applied: ${outcome.refs.join(', ')}\n`);
          for (const entry of outcome.updated)
            env.write(`  ${entry.container}: ${entry.outcome}${entry.reason ? ` (${entry.reason})` : ''}\n`);
          if (outcome.updated.some((entry) => entry.outcome !== 'updated')) code = 1;
        }
        return code;
      });
  }
}

function keygen(args: BundleArgs, env: BundleEnv): number {
  const prefix = args.output ?? 'tidewatch-bundle';
  const keys = generateBundleKeys();
  writeFileSync(`${prefix}.key`, keys.privatePem, { mode: 0o600, flag: 'wx' });
  writeFileSync(`${prefix}.pub`, keys.publicPem, { mode: 0o644, flag: 'wx' });
  env.write(
    `${keys.id}: private key ${prefix}.key (sign with --sign-key), public key ${prefix}.pub (trust with --bundle-key)\n`,
  );
  return 0;
}

async function create(args: BundleArgs, env: BundleEnv): Promise<number> {
  if (args.output === undefined)
    throw new TidewatchError('invalid-argument', 'bundle create needs --output FILE');
  const have = args.have === undefined ? undefined : readJson(args.have, HaveFile, '--have');
  const since = args.since === undefined ? undefined : await manifestOf(args.since);
  const refs = args.refs.length > 0 ? args.refs : (have?.images ?? []);
  if (refs.length === 0)
    throw new TidewatchError(
      'invalid-argument',
      'bundle create: name the images, or give --have with the images a host runs',
    );
  const deps = await env.connect();
  const result = await createBundle(deps.registry.transfer(AbortSignal.timeout(3_600_000)), {
    refs: refs.map((ref) => parseImageRef(ref)),
    platforms: parsePlatformList(args.platform ?? 'all'),
    output: args.output,
    have,
    since,
    signing: args.signKey === undefined ? undefined : loadSigningKey(args.signKey),
  });
  const carried = result.manifest.blobs.filter((blob) => blob.carried).length;
  env.write(
    `${args.output}: bundle ${result.manifest.id}, ${result.bytes} bytes: ${result.manifest.images.map((image) => `${image.ref}@${shortDigest(image.digest)}`).join(', ')}; ` +
      `carries ${carried} of ${result.manifest.blobs.length} blobs (${result.carriedBytes} of ${result.totalBytes} bytes)\n`,
  );
  return 0;
}

function list(args: BundleArgs, env: BundleEnv): number {
  const rows = withBundles(env.storeFile, systemClock, (bundles) => bundles.list());
  if (args.json) env.write(jsonOutput(rows));
  else if (rows.length === 0) env.write('no bundles received\n');
  else
    env.write(
      formatTable([
        ['RECEIVED', 'FILE', 'STATE', 'IMAGES', 'UPDATED / REASON'],
        ...rows.map((row) => [
          new Date(row.receivedAt).toISOString(),
          row.file,
          row.state,
          row.images.map((image) => image.ref).join(' ') || '-',
          row.state === 'rejected'
            ? (row.reason ?? '')
            : (row.updated ?? []).map((entry) => `${entry.container}:${entry.outcome}`).join(' ') || '-',
        ]),
      ]),
    );
  return 0;
}

function output(file: string | undefined, text: string, env: BundleEnv): number {
  if (file === undefined) env.write(text);
  else writeFileSync(file, text);
  return 0;
}

function readJson<T>(file: string, schema: { parse: (value: unknown) => T }, what: string): T {
  try {
    return schema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new TidewatchError('invalid-argument', `${what} ${file}: ${describeError(error)}`);
  }
}

/** The manifest of an earlier bundle file (--since). */
async function manifestOf(file: string): Promise<BundleManifest> {
  try {
    return await readManifestOnly(file);
  } catch (error) {
    throw new TidewatchError('invalid-argument', `--since ${file}: ${describeError(error)}`);
  }
}
