import { TidewatchError } from './errors.js';

/**
 * An image reference, normalised the way the docker CLI does it
 * (https://github.com/distribution/reference): `nginx` is `docker.io/library/nginx:latest`.
 */
export interface ImageRef {
  /** Registry host as the user names it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** Repository path inside the registry: `library/nginx`, `team/app`. */
  readonly repository: string;
  /** Tag; `latest` when the reference names neither tag nor digest. */
  readonly tag: string | undefined;
  /** `sha256:...` when the reference pins a digest. */
  readonly digest: string | undefined;
}

export const DOCKER_HUB = 'docker.io';

// Grammar from distribution/reference: path components are lowercase alphanumerics joined by
// separators; a tag is up to 128 word characters; a digest is algorithm:hex.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

/** Parses a reference such as `nginx`, `ghcr.io/a/b:1.2`, `127.0.0.1:5000/x@sha256:...`. */
export function parseImageRef(input: string): ImageRef {
  const text = input.trim();
  const fail = (why: string): never => {
    throw new TidewatchError('invalid-reference', `invalid image reference "${input}": ${why}`);
  };
  if (text === '') fail('it is empty');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`"${digest}" is not a digest`);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`"${tag}" is not a valid tag`);
  }

  // The first component is a registry host when it looks like one: it has a dot or a port, or is
  // `localhost` (the same rule the docker CLI applies).
  let registry = DOCKER_HUB;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[')) {
      if (!HOST.test(first)) fail(`"${first}" is not a valid registry host`);
      registry = first;
      path = rest.slice(slash + 1);
    }
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;

  if (path === '') fail('the repository name is empty');
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) fail(`"${component}" is not a valid repository component`);
  }
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (path.length > 255) fail('the repository name is longer than 255 characters');

  return { registry, repository: path, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

/** `registry/repository`, the name RepoDigests entries and credentials are keyed by. */
export function repositoryName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/**
 * The name the docker CLI shows: Docker Hub's host and `library/` dropped, so a reference we hand
 * to the engine matches what the user wrote.
 */
export function familiarName(ref: ImageRef): string {
  if (ref.registry !== DOCKER_HUB) return `${ref.registry}/${ref.repository}`;
  return ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository;
}

/** Formats a reference back into the familiar string form (`nginx:latest`, `host:5000/x@sha256:...`). */
export function formatImageRef(ref: ImageRef): string {
  let out = familiarName(ref);
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** The host that serves the registry API: Docker Hub's API lives on registry-1.docker.io. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

/**
 * Whether a RepoDigests entry (`name@sha256:...`, in familiar or full form) belongs to this
 * reference's repository. Only entries of the same repository can prove an image current: an image
 * tagged into two repositories has a RepoDigest for each, in no particular order.
 */
export function repoDigestOf(ref: ImageRef, repoDigest: string): string | undefined {
  const at = repoDigest.lastIndexOf('@');
  if (at === -1) return undefined;
  let other: ImageRef;
  try {
    other = parseImageRef(repoDigest.slice(0, at));
  } catch {
    return undefined;
  }
  if (other.registry !== ref.registry || other.repository !== ref.repository) return undefined;
  return repoDigest.slice(at + 1);
}
