import type { Platform } from '../domain/index.js';
import { selectPlatformEntry } from '../registry/platform.js';
import type { BundleImage, BundlePlatform } from './format.js';

/** `linux/arm64/v8` → its parts; `default` (a single-platform image) is undefined. */
export function parsePlatform(text: string): Platform | undefined {
  if (text === 'default') return undefined;
  const [os = '', architecture = '', variant] = text.split('/');
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** The one platform of `image` an engine of `engine`'s platform runs (none when none fits). */
export function platformsFor(image: BundleImage, engine: Platform): BundlePlatform[] {
  if (image.platforms.length === 1 && image.platforms[0]?.platform === 'default') return [...image.platforms];
  const entries = image.platforms.map((platform) => ({
    digest: platform.manifest,
    platform: parsePlatform(platform.platform),
    bundle: platform,
  }));
  const chosen = selectPlatformEntry(entries, engine);
  return chosen ? [chosen.bundle] : [];
}

/** `--platform linux/amd64,linux/arm64/v8` (or `all`). */
export function parsePlatformList(text: string): Platform[] | 'all' {
  if (text.trim() === 'all') return 'all';
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const platform = parsePlatform(part);
      if (!platform?.os || !platform.architecture)
        throw new Error(`--platform ${part}: not os/architecture[/variant]`);
      return platform;
    });
}
