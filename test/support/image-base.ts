import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LAB_LABEL, RUN_ID, labDocker, uniqueName } from '../lab/index.js';
import { createTar, type TarEntry } from '../lab/tar.js';
import { sharedLibraries, toolFiles } from './image-tools.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Debian's 20.10 CLI matches the engine; the classic builder, since BuildKit may try the network.
const DOCKER = '/usr/bin/docker';
const NATIVE_MODULE = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Files at their absolute paths, with every parent folder before them, as one layer's entries. */
function fileEntries(files: ReadonlyMap<string, string>, links: ReadonlyMap<string, string>): TarEntry[] {
  const dirs = new Set<string>();
  for (const path of [...files.keys(), ...links.keys()]) {
    for (let dir = dirname(path); dir !== '/'; dir = dirname(dir)) dirs.add(dir.slice(1));
  }
  return [
    ...[...dirs].sort().map((path): TarEntry => ({ type: 'dir', path })),
    // readFileSync follows symlinks (libc.so.6 → libc-2.36.so): the image gets the real bytes.
    ...[...files].map(([path, source]): TarEntry => ({
      type: 'file',
      path: path.slice(1),
      content: readFileSync(source),
      mode: 0o755,
    })),
    ...[...links].map(([path, target]): TarEntry => ({ type: 'symlink', path: path.slice(1), target })),
  ];
}

/**
 * A Node base image made from this host, since no image can be pulled here: the host's node binary
 * at /usr/local/bin/node plus the libraries it and better-sqlite3's native module link against.
 * It is glibc, like the host that compiled better-sqlite3, so the host's node_modules run on it.
 * With `tools`, it carries the host's git, ssh and docker-compose too (image-tools.ts), as
 * Dockerfile's image does; the other tests leave them out, for a smaller, faster build.
 * Labelled with this run, so cleanupLab() removes it (and every image built from it).
 */
export async function buildNodeBase(options: { readonly tools?: boolean } = {}): Promise<string> {
  const tag = `${uniqueName('node-base')}:local`;
  const tools = options.tools === true ? await toolFiles() : { files: new Map(), links: new Map() };
  const files = new Map<string, string>([['/usr/local/bin/node', process.execPath], ...tools.files]);
  for (const binary of [process.execPath, NATIVE_MODULE]) {
    for (const library of await sharedLibraries(binary)) files.set(library, library);
  }
  const layer = createTar([
    ...fileEntries(files, tools.links),
    { type: 'file', path: 'etc/passwd', content: Buffer.from('root:x:0:0:root:/root:/bin/false\n') },
    { type: 'file', path: 'etc/group', content: Buffer.from('root:x:0:\n') },
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'dir', path: 'root', mode: 0o700 },
  ]);
  const diffId = `sha256:${sha256(layer)}`;
  const version = await labDocker().version();
  const config = Buffer.from(
    JSON.stringify({
      architecture: version.Arch,
      os: version.Os,
      created: new Date().toISOString(),
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: ['node'],
        Labels: { [LAB_LABEL]: RUN_ID },
      },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created_by: 'tidewatch test: host node and its libraries' }],
    }),
  );
  const configName = `${sha256(config)}.json`;
  const layerName = `${diffId.slice('sha256:'.length)}/layer.tar`;
  const archive = createTar([
    { type: 'file', path: configName, content: config },
    { type: 'dir', path: dirname(layerName) },
    { type: 'file', path: layerName, content: layer },
    {
      type: 'file',
      path: 'manifest.json',
      content: Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: [layerName] }])),
    },
  ]);
  const stream = await labDocker().loadImage(Readable.from([archive]), { quiet: true });
  await new Promise<void>((resolve, reject) => {
    labDocker().modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve()));
  });
  return tag;
}

/** What scripts/runtime-modules.js copied: packages and their bytes. */
export interface RuntimeModules {
  readonly packages: number;
  readonly bytes: number;
}

/**
 * The context Dockerfile.local expects, staged from this checkout: package.json, bin/, dist/ (run
 * `npm run build` first) and the node_modules/ scripts/runtime-modules.js keeps (what Dockerfile's
 * build stage keeps), without touching the checkout's own node_modules.
 */
export async function stageImageContext(): Promise<{ dir: string; modules: RuntimeModules; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-image-'));
  for (const path of ['Dockerfile.local', 'package.json', 'bin', 'dist']) {
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  }
  const { stdout } = await run(process.execPath, [join(ROOT, 'scripts/runtime-modules.js'), dir]);
  const modules = JSON.parse(stdout) as RuntimeModules;
  return { dir, modules, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BuildArgs {
  /** The context folder. */
  readonly dir: string;
  readonly dockerfile: string;
  readonly tag: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * `docker build` with the classic builder (the engine's own; BuildKit is not used), labelled with
 * this run so cleanupLab() removes it. Never pulls: every FROM names a local image.
 */
export async function dockerBuild(args: BuildArgs): Promise<string> {
  const flags = [
    'build',
    '--quiet',
    '--file',
    join(args.dir, args.dockerfile),
    '--tag',
    args.tag,
    '--label',
    `${LAB_LABEL}=${RUN_ID}`,
    ...Object.entries(args.buildArgs ?? {}).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
    ...Object.entries(args.labels ?? {}).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    args.dir,
  ];
  try {
    const { stdout } = await run(DOCKER, flags, {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`docker build of ${args.tag} failed: ${stderr.trim()}`, { cause: error });
  }
}

/** Tidewatch's image from Dockerfile.local on the host-made base, from a staged context. */
export async function buildTidewatchImage(
  tag: string,
  base: string,
  labels: Readonly<Record<string, string>> = {},
  buildArgs: Readonly<Record<string, string>> = {},
): Promise<string> {
  const context = await stageImageContext();
  try {
    return await dockerBuild({
      dir: context.dir,
      dockerfile: 'Dockerfile.local',
      tag,
      buildArgs: { BASE: base, ...buildArgs },
      labels,
    });
  } finally {
    context.remove();
  }
}

/** A one-line Dockerfile build on top of `from`: another image id for the same contents, or a broken one. */
export async function deriveImage(tag: string, from: string, lines: readonly string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-derived-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), [`FROM ${from}`, ...lines, ''].join('\n'));
    return await dockerBuild({ dir, dockerfile: 'Dockerfile', tag });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
