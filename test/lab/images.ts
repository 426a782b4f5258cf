import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { labDocker } from './engine.js';
import { retryingLostImageName } from './lab-engine.js';
import { containerConfig, type BuildOptions } from './image-config.js';
import { progressOf } from './progress.js';
import { baseLayer, markerLayer, payloadLayer, type Layer } from './rootfs.js';
import { createTar } from './tar.js';

export type { BuildOptions } from './image-config.js';

/** Credentials as the engine's X-Registry-Auth header takes them. */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

let platform: Promise<{ os: string; architecture: string }> | undefined;

/** Images must claim the engine's own platform, or the engine warns or refuses to run them. */
function enginePlatform(): Promise<{ os: string; architecture: string }> {
  platform ??= labDocker()
    .version()
    .then((version) => ({ os: version.Os, architecture: version.Arch }));
  return platform;
}

/** `host:5000/app` → `host:5000/app:latest`; the registry port is not mistaken for a tag. */
export function splitRef(ref: string): { repository: string; tag: string } {
  if (ref.includes('@')) throw new Error(`lab images are built and pushed by tag, not digest: ${ref}`);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash
    ? { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) }
    : { repository: ref, tag: 'latest' };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A `docker save` archive (manifest.json + config + layer tars). Loading it, rather than
 * `docker import` with changes, lets every config field be set (import rejects STOPSIGNAL) and keeps
 * the busybox layer shared between builds instead of re-sending it on every push.
 */
function saveArchive(ref: string, config: Buffer, layers: readonly Layer[]): Buffer {
  const configName = `${sha256(config)}.json`;
  const layerNames = layers.map((layer) => `${layer.diffId.slice('sha256:'.length)}/layer.tar`);
  const manifest = [{ Config: configName, RepoTags: [ref], Layers: layerNames }];
  return createTar([
    { type: 'file', path: configName, content: config },
    ...layers.flatMap((layer, index) => [
      { type: 'dir' as const, path: layerNames[index]?.split('/')[0] ?? '' },
      { type: 'file' as const, path: layerNames[index] ?? '', content: layer.tar },
    ]),
    { type: 'file', path: 'manifest.json', content: Buffer.from(JSON.stringify(manifest)) },
  ]);
}

/** Builds a tiny busybox image tagged `ref` in the engine and returns its image id. */
export async function buildImage(ref: string, options: BuildOptions = {}): Promise<string> {
  const { repository, tag } = splitRef(ref);
  const fullRef = `${repository}:${tag}`;
  const payload = options.payload && payloadLayer(options.payload.seed, options.payload.bytes);
  const layers = [
    await baseLayer(),
    ...(payload ? [payload] : []),
    markerLayer(options.marker ?? randomUUID()),
  ];
  const { os, architecture } = await enginePlatform();
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os,
      created: new Date().toISOString(),
      config: containerConfig(options),
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
      history: layers.map((_layer, index) => ({
        created_by: `tidewatch lab: ${index === 0 ? 'busybox' : index === layers.length - 1 ? 'marker' : 'payload'}`,
      })),
    }),
  );
  const docker = labDocker();
  const archive = saveArchive(fullRef, config, layers);
  await progressOf(`loading ${fullRef}`, () => docker.loadImage(Readable.from([archive]), { quiet: true }));
  // The image id is the digest of the config bytes; checking it proves the tag points at this build.
  const imageId = `sha256:${sha256(config)}`;
  const inspected = await docker.getImage(fullRef).inspect();
  if (inspected.Id !== imageId) throw new Error(`${fullRef} is ${inspected.Id} after loading ${imageId}`);
  return imageId;
}

/** Pushes `ref` through the engine and returns the manifest digest the registry stored. */
export async function pushImage(ref: string, auth?: RegistryAuth): Promise<string> {
  const { repository, tag } = splitRef(ref);
  // Always send X-Registry-Auth: without it the engine tries to read credentials from the body
  // and fails with "Bad parameters and missing X-Registry-Auth".
  const image = labDocker().getImage(repository);
  const events = await progressOf(`pushing ${repository}:${tag}`, () =>
    image.push({ tag, authconfig: auth ?? {} }),
  );
  for (const event of events) {
    const digest = event.aux?.Digest;
    if (typeof digest === 'string') return digest;
  }
  // Older engines only print "<tag>: digest: sha256:... size: N".
  for (const event of events) {
    const match = /digest: (sha256:[0-9a-f]{64})/.exec(event.status ?? '');
    if (match?.[1] !== undefined) return match[1];
  }
  throw new Error(`pushing ${repository}:${tag} reported no digest`);
}

export async function buildAndPush(
  ref: string,
  options?: BuildOptions,
  auth?: RegistryAuth,
): Promise<{ imageId: string; digest: string }> {
  const imageId = await buildImage(ref, options);
  // On Podman, loading an archive of an image id it has replaces that image's names: a test file
  // loading the same image under its own name at the same moment can take this one away.
  const { repository, tag } = splitRef(ref);
  const digest = await retryingLostImageName(
    () => pushImage(ref, auth),
    () => labDocker().getImage(imageId).tag({ repo: repository, tag }),
  );
  return { imageId, digest };
}

/** Pulls `ref` (tag or digest) through the engine and returns the local image id. */
export async function pullImage(ref: string, auth?: RegistryAuth): Promise<string> {
  const docker = labDocker();
  await progressOf(`pulling ${ref}`, () => docker.pull(ref, { authconfig: auth ?? {} }));
  return (await docker.getImage(ref).inspect()).Id;
}
