import { constants } from 'node:os';
import { isDeepStrictEqual } from 'node:util';

/**
 * Whether a container's value of a whole-value setting is the image's default, so the user did not
 * set it and the new image's value must apply. Literal equality, except where an engine reports the
 * same setting in another form: Podman gives a stop signal by number (`1` for the image's `SIGHUP`)
 * and fills a health check's defaults in (`Retries: 3`) that the image left out.
 */
export function equalsImageDefault(field: string, own: unknown, image: unknown): boolean {
  if (isDeepStrictEqual(own, image)) return true;
  if (field === 'StopSignal') return sameSignal(own, image);
  if (field === 'Healthcheck') return sameHealthcheck(own, image);
  return false;
}

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

/** `SIGHUP`, `HUP`, `hup` and `1` are one signal. */
function signalName(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\d+$/.test(value)) return SIGNAL_NAMES.get(Number(value));
  const upper = value.toUpperCase();
  return upper.startsWith('SIG') ? upper : `SIG${upper}`;
}

function sameSignal(own: unknown, image: unknown): boolean {
  const name = signalName(own);
  return name !== undefined && name === signalName(image);
}

/** What an engine uses for a health check field left out (Docker and Podman alike). */
const HEALTHCHECK_DEFAULTS: Readonly<Record<string, unknown>> = {
  Interval: 30_000_000_000,
  Timeout: 30_000_000_000,
  StartPeriod: 0,
  StartInterval: 0,
  Retries: 3,
};

function sameHealthcheck(own: unknown, image: unknown): boolean {
  if (!isRecord(own) || !isRecord(image)) return false;
  const keys = new Set([...Object.keys(own), ...Object.keys(image)]);
  for (const key of keys) {
    const fallback = HEALTHCHECK_DEFAULTS[key];
    const mine = own[key] ?? fallback;
    const theirs = image[key] ?? fallback;
    if (!isDeepStrictEqual(mine, theirs)) return false;
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
