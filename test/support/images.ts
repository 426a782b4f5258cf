import { buildAndPush, labDocker, runContainer, type BuildOptions, type RegistryAuth } from '../lab/index.js';

/**
 * Moves a tag in the registry the way a CI pipeline does elsewhere: build, push, and forget the
 * image locally, so Tidewatch has to find it in the registry and really pull it.
 */
export async function publishUpdate(
  ref: string,
  options: BuildOptions = {},
  auth?: RegistryAuth,
): Promise<{ imageId: string; digest: string }> {
  const pushed = await buildAndPush(ref, options, auth);
  await labDocker().getImage(pushed.imageId).remove({ force: true });
  return pushed;
}

export interface UpdateSetup {
  /** Labels besides `tidewatch.scope`. */
  readonly labels?: Record<string, string>;
  /** The image the container runs (the lab's plain build when absent). */
  readonly current?: BuildOptions;
  /** The image its tag then moves to (only the content changes when absent). */
  readonly next?: BuildOptions;
}

/**
 * Container `name` in `scope`, on a fresh repository `<registryHost>/<name>:1.0`, whose tag then
 * moves in the registry to a new image (publishUpdate). Resolves with the id of the image it runs.
 */
export async function containerWithUpdate(
  registryHost: string,
  scope: string,
  name: string,
  setup: UpdateSetup = {},
): Promise<string> {
  const image = `${registryHost}/${name}:1.0`;
  const { imageId } = await buildAndPush(image, setup.current);
  await runContainer(name, image, { Labels: { 'tidewatch.scope': scope, ...setup.labels } });
  await publishUpdate(image, setup.next);
  return imageId;
}

/** Polls until `predicate` holds (bounded), for state the engine reaches asynchronously. */
export async function eventually<T>(
  read: () => T | Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (predicate(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
