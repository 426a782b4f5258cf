import { randomBytes } from 'node:crypto';

/**
 * Every container, image, network, volume and service the lab or a test creates carries
 * `LAB_LABEL=<RUN_ID>`, so `cleanupLab()` removes exactly what this test process made and never
 * touches another process's resources (vitest runs several test files at once).
 */
export const LAB_LABEL = 'tidewatch.test';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/** One id per test process: the pid keeps parallel forks apart, the random part keeps reruns apart. */
export const RUN_ID = `${process.pid.toString(36)}-${randomId(6)}`;

/** The labels to put on anything a test creates by hand (networks, volumes, services...). */
export function labLabels(): Record<string, string> {
  return { [LAB_LABEL]: RUN_ID };
}

/**
 * A fresh name such as `tw-app-k3x9q2`. Only `[a-z0-9-]` survive, so the result is valid both as
 * a container name and as a repository path component (the distribution spec's
 * `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`).
 */
export function uniqueName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return clean === '' ? `tw-${randomId(6)}` : `tw-${clean}-${randomId(6)}`;
}
