import type { z } from 'zod';
import { TidewatchError, describeError } from '../../domain/errors.js';

/**
 * One setting, declared once: where it is read from (its flag, its environment variables with
 * Tidewatch's name first and Watchtower's after, its key in the config file), how its text is
 * parsed, what it defaults to, and the Settings field it fills with what schema. The Settings
 * type, the loader, `--help`, `config print`, the config file's schema and docs/configuration.md
 * are all derived from these (see settings-schema.ts, settings.ts, config-schema.ts, reference.ts).
 */
export type OptionKind = 'boolean' | 'string' | 'list' | 'duration' | 'integer' | 'level';

export interface OptionSpec<F extends string = string, S extends z.ZodType = z.ZodType> {
  /** The option's name, and its key in the config file. */
  readonly key: string;
  /** Long flag without dashes; undefined for settings that are env-only (secrets, Watchtower's legacy ones). */
  readonly flag: string | undefined;
  /**
   * One letter, for Watchtower's short flags (`-i 30`, `-R`): command lines and compose files written
   * for Watchtower keep working. Only letters Watchtower gives the same meaning.
   */
  readonly shortFlag?: string;
  readonly env: readonly string[];
  /** How its text (a flag, a variable, a file value) is parsed, before `read`. */
  readonly kind: OptionKind;
  /** What it does, for `--help` and the reference; its default is added from `default`/`defaultText`. */
  readonly description: string;
  /** Flag placeholder, for --help. */
  readonly valueName?: string;
  /** For a duration: 0 is a meaningful value (no drain), not a mistake. */
  readonly allowZero?: boolean;
  /**
   * For a list: `whitespace` splits on whitespace only, not commas (values that may hold commas,
   * such as URLs); `lines` only on newlines (values that may hold anything else, such as patterns).
   */
  readonly split?: 'whitespace' | 'lines';
  /** The Settings field it fills (a field of `group` when it has one). */
  readonly field: F;
  /** Watchtower's legacy notification variables fill one object, `legacyNotifications`. */
  readonly group?: 'legacyNotifications';
  /** What the field holds, validated once every layer is merged; a failure names the option's source. */
  readonly schema: S;
  /** The field's value when no layer gives one. */
  readonly default?: z.output<S>;
  /** A default read from the environment at load (the process time zone, a Watchtower variable). */
  defaultAt?(env: NodeJS.ProcessEnv): z.output<S>;
  /** A default that depends on the machine, in words, for `--help` and the reference. */
  readonly defaultText?: string;
  /** Turns the parsed value into the field's (a policy's text into a Policy); `source` names it in errors. */
  read?(value: unknown, source: string): z.output<S>;
  /** The field's value as a config file holds it (`config print`, defaults in `--help`). */
  show?(value: z.output<S>): unknown;
  /** Never printed (`***`), and readable from a file: `NAME_FILE` in the environment, `<key>File` in the config file. */
  readonly secret?: true;
  /** false: the config file has no key for it (the file's own path). */
  readonly inFile?: false;
  /** The config file's schema for it, and its type in words, when not its kind's. */
  readonly fileValue?: { readonly schema: z.ZodType; readonly type: string };
}

/** Any option, whatever its field and schema. */
export type AnyOption = OptionSpec<string, z.ZodType>;

/** A top-level option; the literal field name is kept, so the Settings type can be derived. */
export function option<const F extends string, S extends z.ZodType>(
  spec: OptionSpec<F, S>,
): OptionSpec<F, S> {
  return spec;
}

/** An option of Watchtower's legacy notifications group (`group` is required, and literal). */
export function legacyOption<const F extends string, S extends z.ZodType>(
  spec: OptionSpec<F, S> & { readonly group: 'legacyNotifications' },
): OptionSpec<F, S> & { readonly group: 'legacyNotifications' } {
  return spec;
}

/** One of Watchtower's legacy notification variables (env only): WATCHTOWER_NOTIFICATION_<suffix>. */
export function legacy<const F extends string, S extends z.ZodType>(
  key: string,
  suffix: string,
  kind: OptionKind,
  description: string,
  field: F,
  schema: S,
  more: Pick<OptionSpec<F, S>, 'default' | 'defaultText' | 'secret'> = {},
): OptionSpec<F, S> & { readonly group: 'legacyNotifications' } {
  return legacyOption({
    key,
    flag: undefined,
    env: [`WATCHTOWER_NOTIFICATION_${suffix}`],
    kind,
    allowZero: true,
    description: `Watchtower legacy: ${description}`,
    group: 'legacyNotifications',
    field,
    schema,
    ...more,
  });
}

/** A `read` of a text value (a policy, a window, a zone): a bad one is one line naming its source. */
export function fromText<T>(parse: (text: string) => T): (value: unknown, source: string) => T {
  return (value, source) => {
    try {
      return parse(String(value));
    } catch (error) {
      throw new TidewatchError('invalid-config', `${source}: ${describeError(error)}`, { cause: error });
    }
  };
}

/** A `read` of a list value whose parser names the source itself (registry limits, GitOps sources). */
export function fromList<T>(
  parse: (entries: readonly string[], source: string) => T,
): (value: unknown, source: string) => T {
  return (value, source) => parse(Array.isArray(value) ? value.map(String) : [String(value)], source);
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
