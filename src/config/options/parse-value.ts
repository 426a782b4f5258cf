import { TidewatchError } from '../../domain/errors.js';
import { parseDurationMs } from '../duration.js';
import { LOG_LEVELS } from './log.js';
import type { AnyOption } from './spec.js';

/** The words a boolean option takes, in any case. */
export const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  '1': true,
  yes: true,
  on: true,
  false: false,
  '0': false,
  no: false,
  off: false,
};

/** What separates a list's entries in one value (a flag repeated gives an entry per flag anyway). */
const LIST_SEPARATORS = { default: /[\s,]+/, whitespace: /\s+/, lines: /\r?\n/ } as const;

/** A value as one layer gave it, and where from. */
export interface RawValue {
  readonly value: unknown;
  /** Where it came from, for error messages: `--interval` or `WATCHTOWER_POLL_INTERVAL`. */
  readonly source: string;
  /** Which layer: flags (3) over env (2) over the config file (1). */
  readonly layer: 1 | 2 | 3;
}

/** Parses a raw value by its option's kind; a bad one throws one line naming its source. */
export function parseValue(option: AnyOption, raw: RawValue): unknown {
  const { value, source } = raw;
  const fail = (expected: string): never => {
    throw new TidewatchError('invalid-config', `${source}: expected ${expected}, got "${String(value)}"`);
  };
  switch (option.kind) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const word = BOOLEAN_WORDS[String(value).trim().toLowerCase()];
      return word ?? fail('true or false');
    }
    case 'string':
      return typeof value === 'string' ? value.trim() : fail('text');
    case 'list': {
      const items = Array.isArray(value) ? value.map(String) : [String(value)];
      const separator = LIST_SEPARATORS[option.split ?? 'default'];
      return items
        .flatMap((item) => item.split(separator))
        .map((item) => (option.split === 'lines' ? item.trim() : item))
        .filter((item) => item !== '');
    }
    case 'duration': {
      const ms = parseDurationMs(String(value));
      if (option.allowZero === true) return ms === undefined ? fail('a duration such as 0, 2s or 1m') : ms;
      return ms === undefined || ms <= 0 ? fail('a duration such as 30, 30s, 5m or 1h') : ms;
    }
    case 'integer': {
      const text = String(value).trim();
      return /^\d{1,9}$/.test(text) ? Number(text) : fail('a whole number, 0 or more');
    }
    case 'level': {
      const level = String(value).trim().toLowerCase();
      return (LOG_LEVELS as readonly string[]).includes(level) ? level : fail(LOG_LEVELS.join(', '));
    }
  }
}
