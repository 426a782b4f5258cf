import type { ContainerLabels } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import {
  parseImageRef,
  type ImageMatcher,
  type ImageRef,
  type LocalImage,
  type Platform,
} from '../domain/index.js';
import { formatPolicy, isTagPolicy } from '../policy/index.js';
import { resolveNewerTag, type EffectivePolicy } from '../pipeline/index.js';
import type { RegistrySession } from '../registry/index.js';
import type { CheckResult, CheckStatus } from '../domain/run.js';
import { withoutDigest } from './service-spec.js';
import type { ServiceDetails } from './types.js';

/** A checked service, with what an update needs. */
export interface CheckedService {
  readonly result: CheckResult;
  readonly service: ServiceDetails;
  readonly labels?: ContainerLabels;
  /** The service's reference, parsed (with the digest it pins, if any). */
  readonly ref?: ImageRef;
  /** The reference a tag policy moves it to (another tag of `ref`'s repository, no digest). */
  readonly target?: ImageRef;
  /** What its tasks run, as far as the spec says: the pinned digest, on the service's platform. */
  readonly image?: LocalImage;
  readonly policy?: EffectivePolicy;
}

export interface ServiceCheckDeps {
  /** The cycle's session: a reference shared with containers costs one manifest request in all. */
  readonly registry: RegistrySession;
  readonly signal: AbortSignal;
  /** The manager's platform, for a service whose placement names none. */
  readonly platform: () => Promise<Platform>;
  /** A targeted run: services on other images are left out, before any registry request. */
  readonly onlyImages?: ImageMatcher | undefined;
}

/**
 * Checks one service. Its spec pins the digest its tasks run (`repo:tag@sha256:...`, written by the
 * docker CLI when the service was created or last updated), so the check is whether the tag still
 * points at it: the registry session resolves the tag exactly as for a container, with the pinned
 * digest standing in for a local image. undefined: left out of a targeted run.
 */
export async function checkService(
  deps: ServiceCheckDeps,
  service: ServiceDetails,
  subject: string,
  labels: ContainerLabels,
  policy: EffectivePolicy,
): Promise<CheckedService | undefined> {
  const image = withoutDigest(service.image);
  const result = (status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult => ({
    name: subject,
    id: service.id,
    image,
    status,
    ...extra,
  });
  let ref: ImageRef;
  try {
    ref = parseImageRef(service.image);
  } catch (error) {
    if (deps.onlyImages) return undefined;
    return { service, labels, result: result('unknown', { reason: describeError(error) }) };
  }
  if (deps.onlyImages && !deps.onlyImages(ref)) return undefined;
  if (ref.tag === undefined) {
    return {
      service,
      labels,
      ref,
      result: result('skipped', { reason: 'its image is pinned to a digest, without a tag' }),
    };
  }
  const about = { policy: formatPolicy(policy.policy), currentTag: ref.tag, currentDigest: ref.digest };
  const platform = service.platform ?? (await deps.platform());
  // No local image: the pinned digest is what runs. Another digest is an update for the whole
  // service, whichever platform's entry of an index changed (its nodes may run any of them).
  const local: LocalImage = { id: ref.digest ?? '', repoDigests: [], platform };
  const tagged: ImageRef = { ...ref, digest: undefined };
  const checked = { service, labels, ref, image: local, policy };

  let note: string | undefined;
  if (isTagPolicy(policy.policy)) {
    // As for a container: the repository's tags (listed once per cycle), the policy's pick, and
    // that tag's digest; no newer tag follows the current tag's digest below.
    const moved = await resolveNewerTag(
      deps.registry,
      tagged,
      local,
      policy.policy,
      policy.filters,
      deps.signal,
    );
    if (moved.kind === 'error')
      return { ...checked, result: result('unknown', { ...about, reason: moved.message }) };
    if (moved.kind === 'newer-tag') {
      const latest = { latestDigest: moved.digest, latestTag: moved.ref.tag };
      return { ...checked, target: moved.ref, result: result('update-available', { ...about, ...latest }) };
    }
    note = moved.note;
  }

  const resolution = await deps.registry.resolve(tagged, local, deps.signal);
  switch (resolution.kind) {
    case 'current':
      return {
        ...checked,
        result: result('current', { ...about, latestDigest: resolution.remoteDigest, reason: note }),
      };
    case 'update-available': {
      const reason =
        ref.digest === undefined
          ? 'its image names no digest, so what its tasks run is unknown: an update pins the one its tag points at'
          : note;
      return {
        ...checked,
        result: result('update-available', { ...about, latestDigest: resolution.remoteDigest, reason }),
      };
    }
    case 'error': {
      const { wait } = resolution;
      const waitingFor = wait === undefined ? undefined : ({ kind: 'registry-budget', ...wait } as const);
      return { ...checked, result: result('unknown', { ...about, reason: resolution.message, waitingFor }) };
    }
  }
  return resolution satisfies never;
}
