import { createHash } from 'node:crypto';
import { access, open, readFile } from 'node:fs/promises';
import { createTar, type TarEntry } from './tar.js';

/** An uncompressed layer tar and its diff id (the sha256 of those bytes, per the image spec). */
export interface Layer {
  tar: Buffer;
  diffId: string;
}

const BUSYBOX_CANDIDATES = ['/usr/bin/busybox', '/bin/busybox'];

// What test images need: a shell, a long sleep, an HTTP server and client, and basic tools.
const APPLETS = [
  'sh', 'sleep', 'cat', 'echo', 'true', 'false', 'ls', 'wget', 'nc', 'httpd', 'env', 'id', 'kill', 'nslookup',
  'touch', 'mkdir', 'date', 'grep', 'ps', 'rm', 'printf', 'test', 'hostname', 'head', 'tail', 'sed',
  'wc', 'seq',
]; // prettier-ignore

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\n';

export function layerOf(entries: readonly TarEntry[]): Layer {
  const tar = createTar(entries);
  return { tar, diffId: `sha256:${createHash('sha256').update(tar).digest('hex')}` };
}

async function findBusybox(): Promise<string> {
  for (const candidate of BUSYBOX_CANDIDATES) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(`busybox not found at ${BUSYBOX_CANDIDATES.join(' or ')}. Run scripts/lab.sh`);
}

/** A dynamically linked busybox would not start in an image without libc: say so up front. */
async function assertStatic(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('latin1');
    if (text.includes('ld-linux') || text.includes('ld-musl')) {
      throw new Error(`${path} is dynamically linked; install busybox-static (run scripts/lab.sh)`);
    }
  } finally {
    await file.close();
  }
}

async function buildBaseLayer(): Promise<Layer> {
  const busybox = await findBusybox();
  await assertStatic(busybox);
  const entries: TarEntry[] = [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/busybox', content: await readFile(busybox), mode: 0o755 },
    ...APPLETS.map((applet): TarEntry => ({ type: 'symlink', path: `bin/${applet}`, target: 'busybox' })),
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/passwd', content: Buffer.from(PASSWD) },
    { type: 'file', path: 'etc/group', content: Buffer.from(GROUP) },
    { type: 'dir', path: 'root', mode: 0o700 },
    { type: 'dir', path: 'tmp', mode: 0o1777 },
  ];
  return layerOf(entries);
}

let base: Promise<Layer> | undefined;

/**
 * The busybox layer, built once per process. Its bytes never change, so every lab image shares
 * it: the engine stores it once and the registry receives it once per repository.
 */
export function baseLayer(): Promise<Layer> {
  if (base === undefined) {
    base = buildBaseLayer();
    // A failure is not cached, so a fixed machine (busybox installed) works without a restart.
    base.catch(() => {
      base = undefined;
    });
  }
  return base;
}

/** The per-build layer: only `/tidewatch-marker`, which gives each build its own digest. */
export function markerLayer(marker: string): Layer {
  return layerOf([{ type: 'file', path: 'tidewatch-marker', content: Buffer.from(`${marker}\n`) }]);
}

/**
 * A middle layer of `bytes` pseudo-random bytes from `seed` (incompressible, as real binaries
 * nearly are): the same seed gives the same layer, so a build can change only its marker above it.
 */
export function payloadLayer(seed: string, bytes: number): Layer {
  const chunks: Buffer[] = [];
  let block = createHash('sha256').update(seed).digest();
  for (let made = 0; made < bytes; made += block.length) {
    chunks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return layerOf([
    { type: 'file', path: 'tidewatch-payload', content: Buffer.concat(chunks).subarray(0, bytes) },
  ]);
}
