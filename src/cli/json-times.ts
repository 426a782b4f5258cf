/**
 * The one time convention of every `--json`: a time is an ISO 8601 UTC string, and the epoch
 * milliseconds it was before stay beside it as `<key>Ms`, for scripts written against them.
 * Times are the fields named `…At`, `deadline`, `until` and `since`, at any depth. Pure.
 */
const TIME_KEY = /^(?:[a-z][A-Za-z]*At|deadline|until|since)$/;
// Before 1973 as epoch ms: a count or a duration that happens to sit in a time-named field.
const EPOCH_MS_FLOOR = 1e11;

export function withIsoTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withIsoTimes);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const epoch = typeof field === 'number' && Number.isFinite(field) && field >= EPOCH_MS_FLOOR;
    if (TIME_KEY.test(key) && (epoch || field === null)) {
      out[key] = field === null ? null : new Date(field as number).toISOString();
      out[`${key}Ms`] = field;
    } else {
      out[key] = withIsoTimes(field);
    }
  }
  return out;
}

/** `--json` output: indented, with ISO times (see withIsoTimes), and a final newline. */
export function jsonOutput(value: unknown): string {
  return `${JSON.stringify(withIsoTimes(value), null, 2)}\n`;
}
