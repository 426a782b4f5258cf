import pLimit from 'p-limit';
import { describeError } from '../domain/errors.js';
import {
  parseImageRef,
  imageReferenceOf,
  repoDigestOf,
  type ContainerDetails,
  type ImageMatcher,
  type ImageRef,
} from '../domain/index.js';
import type { ContainerLabels } from '../config/labels.js';
import type { Engine, ImageDetails } from '../engine/index.js';
import type { ContainerInventory } from '../inventory/index.js';
import type { RegistrySession } from '../registry/index.js';
import type { CheckResult, CheckStatus, WaitingFor } from '../domain/run.js';
import type { Logger } from '../log/index.js';
import { formatPolicy, isTagPolicy } from '../policy/index.js';
import { resolveNewerTag, type EffectivePolicy } from '../pipeline/index.js';
import { localReleaseLinks, registryReleaseLinks } from './check-links.js';

export type { CheckStatus, WaitingFor, CheckResult };

/** A checked container with what an update needs. */
export interface CheckedContainer {
  readonly result: CheckResult;
  readonly details?: ContainerDetails;
  readonly labels?: ContainerLabels;
  readonly ref?: ImageRef;
  readonly image?: ImageDetails;
  /** The reference a tag policy moves it to (another tag of `ref`'s repository). */
  readonly target?: ImageRef;
  readonly policy?: EffectivePolicy;
}

/** A container to check: its parsed labels, and its policy (the digest policy when absent). */
export interface WatchedContainer {
  readonly id: string;
  readonly name: string;
  readonly labels: ContainerLabels;
  readonly policy?: EffectivePolicy | undefined;
}

export interface CheckDeps {
  readonly engine: Engine;
  readonly registry: RegistrySession;
  readonly logger: Logger;
  readonly noPull: boolean;
  readonly signal: AbortSignal;
  /** A targeted run: containers on other images are left out, before any registry request. */
  readonly onlyImages?: ImageMatcher | undefined;
  /** Container details kept between cycles (src/inventory); without it each container is inspected. */
  readonly inventory?: Pick<ContainerInventory, 'details'> | undefined;
}

/** Checks the watched containers, a few at a time; one container's failure never stops the others. */
export async function checkContainers(
  deps: CheckDeps,
  watched: readonly WatchedContainer[],
): Promise<CheckedContainer[]> {
  const limit = pLimit(8);
  const images = new Map<string, Promise<ImageDetails | undefined>>();
  const inspectImage = (id: string): Promise<ImageDetails | undefined> => {
    let pending = images.get(id);
    if (!pending) images.set(id, (pending = deps.engine.inspectImage(id)));
    return pending;
  };
  const checked = await Promise.all(
    watched.map((container) =>
      limit(async () => {
        try {
          return await checkOne(deps, container, inspectImage);
        } catch (error) {
          const reason = describeError(error);
          deps.logger.warn({ container: container.name, reason }, 'check failed');
          const result: CheckResult = {
            name: container.name,
            id: container.id,
            image: '',
            status: 'unknown',
            reason,
          };
          return { result };
        }
      }),
    ),
  );
  return checked.filter((entry): entry is CheckedContainer => entry !== OUT_OF_TARGET);
}

/** checkOne's answer for a container a targeted run leaves out. */
const OUT_OF_TARGET = Symbol('out of target');

async function checkOne(
  deps: CheckDeps,
  container: WatchedContainer,
  inspectImage: (id: string) => Promise<ImageDetails | undefined>,
): Promise<CheckedContainer | typeof OUT_OF_TARGET> {
  const base = { name: container.name, id: container.id };
  const details = await (deps.inventory
    ? deps.inventory.details(container.id)
    : deps.engine.inspectContainer(container.id));
  if (!details) return { result: { ...base, image: '', status: 'skipped', reason: 'the container is gone' } };
  // A dependent Tidewatch recreated from an image id keeps its reference in a label (member-spec.ts).
  const imageText = imageReferenceOf(details) ?? '';
  const result = (status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult => ({
    ...base,
    image: imageText,
    status,
    ...extra,
  });

  if (deps.onlyImages && (imageText === '' || !safeParse(imageText, deps.onlyImages))) {
    return OUT_OF_TARGET;
  }
  if (
    imageText === '' ||
    imageText.startsWith('sha256:') ||
    details.imageId.startsWith(`sha256:${imageText}`)
  ) {
    return { result: result('skipped', { reason: 'it runs an image by id, not by a tag' }) };
  }
  let ref: ImageRef;
  try {
    ref = parseImageRef(imageText);
  } catch (error) {
    return { result: result('unknown', { reason: describeError(error) }) };
  }
  if (ref.digest !== undefined) {
    return { result: result('skipped', { reason: 'its image is pinned to a digest' }) };
  }
  const policy = container.policy;
  const about = { policy: policy && formatPolicy(policy.policy), currentTag: ref.tag };
  if (policy?.policy.kind === 'pin') {
    return { result: result('skipped', { ...about, reason: 'its policy is pin: it is never updated' }) };
  }

  const image = await inspectImage(details.imageId);
  if (!image)
    return { result: result('unknown', { reason: `its image ${details.imageId} is not in the engine` }) };
  const currentDigest =
    image.repoDigests.map((entry) => repoDigestOf(ref, entry)).find((digest) => digest !== undefined) ??
    image.id;
  const checked = { details, labels: container.labels, ref, image, ...(policy ? { policy } : {}) };

  if (deps.noPull || container.labels.noPull) {
    // No registry: an update is a newer image someone else pulled under the same tag.
    const local = await deps.engine.inspectImage(imageText);
    const latest = local?.id ?? image.id;
    const status = latest === image.id ? 'current' : 'update-available';
    const releaseLinks = await localReleaseLinks(deps.engine, image, latest);
    return {
      ...checked,
      result: result(status, { ...about, currentDigest: image.id, latestDigest: latest, releaseLinks }),
    };
  }

  let note: string | undefined;
  if (policy !== undefined && isTagPolicy(policy.policy)) {
    const target = await resolveNewerTag(
      deps.registry,
      ref,
      image,
      policy.policy,
      policy.filters,
      deps.signal,
    );
    if (target.kind === 'error') {
      return { ...checked, result: result('unknown', { ...about, currentDigest, reason: target.message }) };
    }
    if (target.kind === 'newer-tag') {
      const releaseLinks = await registryReleaseLinks(
        deps.registry,
        target.ref,
        image,
        target.digest,
        deps.signal,
      );
      const latest = { latestDigest: target.digest, latestTag: target.ref.tag, releaseLinks };
      return {
        ...checked,
        target: target.ref,
        result: result('update-available', { ...about, currentDigest, ...latest }),
      };
    }
    note = target.note;
  }

  const resolution = await deps.registry.resolve(ref, image, deps.signal);
  switch (resolution.kind) {
    case 'current':
      return {
        ...checked,
        result: result(resolution.kind, {
          ...about,
          currentDigest,
          latestDigest: resolution.remoteDigest,
          reason: note,
        }),
      };
    case 'update-available': {
      const latestDigest = resolution.remoteDigest;
      const releaseLinks = await registryReleaseLinks(deps.registry, ref, image, latestDigest, deps.signal);
      return {
        ...checked,
        result: result(resolution.kind, {
          ...about,
          currentDigest,
          latestDigest,
          reason: note,
          releaseLinks,
        }),
      };
    }
    case 'error': {
      // Rate limited is `unknown`, never `current`: nobody asked the registry.
      const { wait } = resolution;
      const waitingFor = wait === undefined ? undefined : ({ kind: 'registry-budget', ...wait } as const);
      return {
        ...checked,
        result: result('unknown', { ...about, currentDigest, reason: resolution.message, waitingFor }),
      };
    }
  }
  return resolution satisfies never;
}

function safeParse(text: string, matches: ImageMatcher): boolean {
  try {
    return matches(parseImageRef(text));
  } catch {
    return false;
  }
}
