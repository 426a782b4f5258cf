import { buildAndPush, labDocker, type BuildOptions, type RegistryAuth } from '../lab/index.js';

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
