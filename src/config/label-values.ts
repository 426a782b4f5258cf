import { TidewatchError } from '../domain/errors.js';

type Labels = Readonly<Record<string, string>>;

/** A Tidewatch-only label (`tidewatch.NAME`), trimmed; an empty one counts as unset. */
export function found(labels: Labels, name: string): { key: string; value: string } | undefined {
  const key = `tidewatch.${name}`;
  const value = labels[key]?.trim();
  return value === undefined || value === '' ? undefined : { key, value };
}

/** The one-line error every label gives: `label KEY="VALUE" CAUSE`. */
export function invalid(label: { key: string; value: string }, cause: string): TidewatchError {
  return new TidewatchError('invalid-label', `label ${label.key}="${label.value}" ${cause}`);
}
