import type { ContainerDetails } from './container.js';

/**
 * Where Tidewatch keeps a container's image reference when it had to create the container from
 * an image id: a dependent recreated to follow its provider keeps the exact image it ran, even
 * when its tag has moved on since, and so is created from the id (see src/updater/member-spec.ts).
 */
export const IMAGE_REF_LABEL = 'tidewatch.image-ref';

/**
 * The reference a container runs, as its user wrote it: `Config.Image`, or for a container that
 * Tidewatch had to create from an image id, the reference it was created from before.
 */
export function imageReferenceOf(details: Pick<ContainerDetails, 'config'>): string | undefined {
  const image = details.config.Image;
  const kept = details.config.Labels?.[IMAGE_REF_LABEL];
  if (kept !== undefined && kept !== '' && (image === undefined || image.startsWith('sha256:'))) return kept;
  return image;
}
