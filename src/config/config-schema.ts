import { z } from 'zod';
import { Duration, FilePath, RegistryEntry, Text, TextList } from './file-values.js';
import { OPTIONS, type AnyOption } from './options/index.js';

export { GITOPS_FIELDS, GITOPS_PATH_FIELDS, RegistryEntry } from './file-values.js';

/**
 * The schema of the configuration file (docs/configuration.md), derived from the options' specs:
 * every option's key is a top-level key, with a YAML type that fits its kind (or the spec's
 * `fileValue`). Unknown keys are refused. The values are checked for shape here; their meaning (a
 * policy, a window, a cron) is checked by loadSettings exactly as for flags and env, naming the
 * file's line.
 */

/** The suffix of a key that reads a text option from a file (as NAME_FILE does for env). */
export const FILE_SUFFIX = 'File';

/**
 * Options whose value is a secret (`secret` in their spec): never printed (`config print` shows
 * `***`), and readable from a file with the key `<key>File`.
 */
export const SECRET_OPTIONS: ReadonlySet<string> = new Set(
  OPTIONS.filter((option) => option.secret === true).map((option) => option.key),
);

/** The options the file holds: all but those whose spec says `inFile: false` (the file's own path). */
export const fileOptions = (): readonly AnyOption[] => OPTIONS.filter((option) => option.inFile !== false);

/** The schema of one option's value in the file. */
function valueSchema(option: AnyOption): z.ZodType {
  if (option.fileValue !== undefined) return option.fileValue.schema;
  switch (option.kind) {
    case 'boolean':
      return z.boolean({ error: 'expected true or false' });
    case 'string':
    case 'level':
      return Text;
    case 'list':
      return TextList;
    case 'duration':
      return Duration;
    case 'integer':
      return z.number({ error: 'expected a whole number' }).int('expected a whole number').nonnegative();
  }
}

/** Keys other than the options' own. */
export const EXTRA_KEYS = {
  registries: z.array(RegistryEntry, { error: 'expected a list of registries' }),
} as const;

function buildSchema(): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const option of fileOptions()) {
    shape[option.key] = valueSchema(option).optional();
    if (option.secret === true) shape[option.key + FILE_SUFFIX] = FilePath.optional();
  }
  for (const [key, schema] of Object.entries(EXTRA_KEYS)) shape[key] = schema.optional();
  return z.object(shape).strict();
}

/** The whole file: a mapping of the keys above, nothing else. */
export const ConfigFileSchema: z.ZodObject = buildSchema();

/** What a key of the file holds, in words, for the reference (docs/configuration.md). */
export function fileTypeOf(option: AnyOption): string {
  if (option.fileValue !== undefined) return option.fileValue.type;
  switch (option.kind) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'text';
    case 'level':
      return 'level';
    case 'list':
      return 'list of text';
    case 'duration':
      return 'duration';
    case 'integer':
      return 'integer';
  }
}
