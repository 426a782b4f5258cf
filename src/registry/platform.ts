import type { Platform } from '../domain/image.js';

/** An index entry as far as platform selection needs it. */
export interface PlatformEntry {
  readonly digest: string;
  readonly platform?:
    { readonly os: string; readonly architecture: string; readonly variant?: string } | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

// Names the Go toolchain and uname disagree on, normalised the way containerd's platforms package does.
const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
};

// The variant an architecture implies when none is written: arm64 images are v8, 32-bit arm v7,
// amd64 v1 (https://github.com/containerd/platforms, Normalize).
const DEFAULT_VARIANT: Readonly<Record<string, string>> = { arm64: 'v8', arm: 'v7', amd64: 'v1' };

interface Normalised {
  readonly os: string;
  readonly architecture: string;
  readonly variant: string | undefined;
}

export function normalisePlatform(platform: {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string | undefined;
}): Normalised {
  const rawArch = platform.architecture.toLowerCase();
  const architecture = ARCH_ALIASES[rawArch] ?? rawArch;
  let variant = platform.variant?.toLowerCase();
  if (variant === '') variant = undefined;
  if (variant !== undefined && /^\d+$/.test(variant)) variant = `v${variant}`; // "8" → "v8"
  if (rawArch === 'armel' && variant === undefined) variant = 'v6';
  variant ??= DEFAULT_VARIANT[architecture];
  return { os: platform.os.toLowerCase(), architecture, variant };
}

/**
 * Index entries that describe something other than a runnable image: BuildKit's attestation
 * manifests (https://docs.docker.com/build/metadata/attestations/attestation-storage/) carry the
 * platform `unknown/unknown`.
 */
export function isAttestation(entry: PlatformEntry): boolean {
  if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return true;
  return entry.platform?.os === 'unknown' || entry.platform?.architecture === 'unknown';
}

/**
 * The index entry a host of `local`'s platform would pull. An exact match (after normalising
 * aliases and default variants) wins; failing that, an entry that names no variant, or any entry of
 * the right os/architecture when the local platform names no variant.
 */
export function selectPlatformEntry<E extends PlatformEntry>(
  entries: readonly E[],
  local: Platform,
): E | undefined {
  const want = normalisePlatform(local);
  const candidates: { entry: E; variant: string | undefined; rawVariant: string }[] = [];
  for (const entry of entries) {
    if (entry.platform === undefined || isAttestation(entry)) continue;
    const have = normalisePlatform(entry.platform);
    if (have.os !== want.os || have.architecture !== want.architecture) continue;
    candidates.push({ entry, variant: have.variant, rawVariant: entry.platform.variant ?? '' });
  }
  const exact = candidates.find((c) => c.variant === want.variant);
  if (exact !== undefined) return exact.entry;
  const generic = candidates.find((c) => c.rawVariant === '');
  if (generic !== undefined) return generic.entry;
  return (local.variant ?? '') === '' ? candidates[0]?.entry : undefined;
}

/** `linux/arm64/v8`, for messages. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((part) => part).join('/');
}
