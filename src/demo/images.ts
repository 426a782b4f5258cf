import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, symlink, copyFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { TidewatchError } from '../domain/errors.js';

const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'];
const APPLETS = ['sh', 'sleep', 'echo', 'httpd', 'wget', 'cat', 'date', 'true'];

/** What one demo image runs: its command and a page or line that names its version. */
export interface DemoImage {
  readonly ref: string;
  readonly cmd: readonly string[];
  /** Written to /www/index.html, served by the web demos. */
  readonly page: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A static busybox: a dynamic one would not start in an image without libc. */
async function staticBusybox(): Promise<string> {
  for (const path of BUSYBOX) {
    try {
      const file = await open(path, 'r');
      try {
        const head = Buffer.alloc(4096);
        const { bytesRead } = await file.read(head, 0, head.length, 0);
        const text = head.subarray(0, bytesRead).toString('latin1');
        if (!text.includes('ld-linux') && !text.includes('ld-musl')) return path;
      } finally {
        await file.close();
      }
    } catch {
      // not there
    }
  }
  throw new TidewatchError(
    'demo-no-busybox',
    'no static busybox: install busybox-static (Debian: apt-get install busybox-static, or run scripts/lab.sh)',
  );
}

async function rootfs(dir: string, page: string): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await copyFile(await staticBusybox(), join(dir, 'bin/busybox'));
  for (const applet of APPLETS) await symlink('busybox', join(dir, 'bin', applet));
  for (const folder of ['www', 'tmp', 'etc']) await mkdir(join(dir, folder));
  await writeFile(join(dir, 'www/index.html'), page);
  await writeFile(join(dir, 'etc/passwd'), 'root:x:0:0:root:/:/bin/sh\n');
}

/** `tar -c` of a folder as a stream: every Debian has tar, and the demo needs no tar library. */
function tarOf(dir: string): NodeJS.ReadableStream {
  const tar = spawn('tar', ['-C', dir, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return tar.stdout;
}

/** Reads an engine progress stream to its end; an error inside it rejects. */
function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: unknown[]) =>
      error ? reject(error) : resolve(output),
    );
  });
}

/**
 * Builds a tiny busybox image with `docker import` (nothing is pulled) and pushes it to the demo
 * registry. Resolves with the local image id.
 *
 * The local image is kept: removing it right after the push raced with Tidewatch, which may be
 * pulling that very image (already local, so the pull is a no-op) and creating a container from it
 * at the same moment. The engine checks for users before it deletes and then deletes, so a container
 * created in between ran an image the engine no longer had, and Tidewatch could check it no more.
 * The schedule removes old versions later instead (see forgetOldImages).
 */
export async function publish(docker: Docker, image: DemoImage): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tidewatch-demo-image-'));
  const [repo, tag] = splitRef(image.ref);
  try {
    await rootfs(dir, image.page);
    const changes = [
      `CMD ${JSON.stringify(image.cmd)}`,
      'ENV PATH=/bin',
      ...Object.entries(image.labels).map(([key, value]) => `LABEL ${key}=${JSON.stringify(value)}`),
    ];
    await follow(docker, await docker.importImage(tarOf(dir), { repo, tag, changes }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const { Id: imageId } = await docker.getImage(image.ref).inspect();
  await follow(docker, await docker.getImage(repo).push({ tag, authconfig: {} }));
  return imageId;
}

/**
 * Removes the local images of all but the newest `keep` versions of one app, so a demo left running
 * for a day does not fill the disk. Without force: the engine keeps an image a container still uses.
 * Two versions are kept because Tidewatch may still be deploying the previous one.
 */
export async function forgetOldImages(docker: Docker, imageIds: string[], keep = 2): Promise<void> {
  while (imageIds.length > keep) {
    const imageId = imageIds.shift() ?? '';
    await docker
      .getImage(imageId)
      .remove({ noprune: false })
      .catch(() => undefined); // in use or already gone: the demo's cleanup removes it at the end
  }
}

/** `127.0.0.1:5000/demo-web:1` → repository and tag; the port is not a tag. */
function splitRef(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}
