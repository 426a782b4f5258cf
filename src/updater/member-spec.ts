import {
  familiarName,
  IMAGE_REF_LABEL,
  imageReferenceOf,
  type ContainerDetails,
  type CreateSpec,
} from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import { buildRecreateSpec } from './recreate-spec.js';
import { targetImage } from './update-images.js';
import type { MemberUpdate } from './update-types.js';

/** The successor of a member with its own update: its settings on the new image. */
export async function memberSpec(engine: Engine, update: MemberUpdate): Promise<CreateSpec> {
  const { details, ref } = update;
  const image = targetImage(imageReferenceOf(details) ?? familiarName(ref), ref, update.targetRef);
  const built = withoutLabel(
    buildRecreateSpec(details, update.oldImage.defaults, image, engine.apiVersion),
    IMAGE_REF_LABEL,
  );
  const spec = update.prepareSpec ? await update.prepareSpec(built) : built;
  return spec;
}

/**
 * The successor of a member that follows its provider: the same settings on the exact image it
 * ran. Created from its reference while that still names the image; from the image id once the
 * tag has moved on (another container's update pulled it), with the reference kept in a label so
 * the container is still checked, and updated, as `repo:tag`.
 */
export async function followerSpec(engine: Engine, details: ContainerDetails): Promise<CreateSpec> {
  const image = await engine.inspectImage(details.imageId);
  const defaults = image?.defaults ?? {};
  const reference = imageReferenceOf(details);
  const named =
    reference !== undefined && !reference.startsWith('sha256:')
      ? await engine.inspectImage(reference)
      : undefined;
  if (reference !== undefined && named?.id === details.imageId) {
    return withoutLabel(buildRecreateSpec(details, defaults, reference, engine.apiVersion), IMAGE_REF_LABEL);
  }
  const spec = buildRecreateSpec(details, defaults, details.imageId, engine.apiVersion);
  if (reference === undefined || reference.startsWith('sha256:')) return spec;
  return {
    ...spec,
    config: { ...spec.config, Labels: { ...spec.config.Labels, [IMAGE_REF_LABEL]: reference } },
  };
}

function withoutLabel(spec: CreateSpec, key: string): CreateSpec {
  const labels = spec.config.Labels;
  if (!labels || !(key in labels)) return spec;
  const { [key]: _dropped, ...rest } = labels;
  return { ...spec, config: { ...spec.config, Labels: rest } };
}
