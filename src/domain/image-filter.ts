import { parseImageRef, type ImageRef } from './image-ref.js';

/** Which images a targeted run (a webhook, `/v1/update?image=`) is limited to. */
export type ImageMatcher = (ref: ImageRef) => boolean;

/**
 * A matcher for references as a user or a registry names them. The full reference counts,
 * registry host and port included: `127.0.0.1:5000/app` never matches `docker.io/library/app` or
 * `127.0.0.1:5001/app` (Watchtower compared familiar names and got this wrong). A reference
 * without a tag matches every tag of its repository; with a tag, only that tag.
 * Throws `invalid-reference` for a reference that does not parse.
 */
export function imageMatcher(references: readonly string[]): ImageMatcher {
  const wanted = references.map((text) => ({ ref: parseImageRef(text), anyTag: !hasExplicitTag(text) }));
  return (ref) =>
    wanted.some(
      (want) =>
        want.ref.registry === ref.registry &&
        want.ref.repository === ref.repository &&
        (want.anyTag || want.ref.tag === ref.tag),
    );
}

function hasExplicitTag(text: string): boolean {
  const name = text.split('@')[0] ?? '';
  return name.lastIndexOf(':') > name.lastIndexOf('/');
}
