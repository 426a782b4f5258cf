import { z } from 'zod';
import { parseDurationMs } from './duration.js';
import { OPTIONS, type OptionSpec } from './options.js';

/**
 * The schema of the configuration file (docs/configuration.md), derived from the options table:
 * every option's key is a top-level key, with a YAML type that fits its kind. Unknown keys are
 * refused. The values are checked for shape here; their meaning (a policy, a window, a cron) is
 * checked by loadSettings exactly as for flags and env, naming the file's line.
 */

/** The suffix of a key that reads a text option from a file (as NAME_FILE does for env). */
export const FILE_SUFFIX = 'File';

/**
 * Options whose value is a secret: never printed (`config print` shows `***`), and readable from a
 * file with the key `<key>File`. A unit test checks that every option whose name sounds like a
 * secret (token, password, secret, hook URL) is listed here.
 */
export const SECRET_OPTIONS: ReadonlySet<string> = new Set([
  'apiToken',
  'webhookSecret',
  'repoPass',
  'legacyEmailServerPassword',
  'legacySlackHookUrl',
  'legacyMsteamsHookUrl',
  'legacyGotifyToken',
]);

/** Options the file does not hold: the file's own path. */
const NOT_IN_FILE: ReadonlySet<string> = new Set(['config']);

export const fileOptions = (): readonly OptionSpec[] => OPTIONS.filter((o) => !NOT_IN_FILE.has(o.key));

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const isDuration = (value: string | number): boolean => parseDurationMs(String(value)) !== undefined;

const Text = z.union([z.string(), z.number(), z.boolean()], { error: 'expected text' });
const TextList = z.union([z.string(), z.array(z.string({ error: 'expected text' }))], {
  error: 'expected a list of text',
});
const Duration = z
  .union([z.string(), z.number().nonnegative()], { error: 'expected a duration such as 30s, 5m or 1h' })
  .refine(isDuration, 'not a duration such as 30s, 5m or 1h (a bare number is seconds)');
const FilePath = z.string({ error: 'expected a file path' }).min(1, 'expected a file path');

/** A notification URL, inline or read from a file (a URL holds the service's token). */
const NotificationUrl = z.union([
  z.string().refine(isUrl, 'not a URL'),
  z.object({ url: z.string().refine(isUrl, 'not a URL') }).strict(),
  z.object({ urlFile: FilePath }).strict(),
]);

/** A budget as `HOST=SPEC` text, or as its fields (`window` a duration). */
const RegistryLimit = z.union([
  z.string(),
  z
    .object({
      registry: z.string().min(1),
      concurrency: z.number().int().positive().optional(),
      requests: z.number().int().positive().optional(),
      window: Duration.optional(),
    })
    .strict()
    .refine((limit) => (limit.requests === undefined) === (limit.window === undefined), {
      message: 'requests and window go together',
    }),
]);

/** A GitOps source as `url=...,branch=...` text (as --gitops-source), or as its fields. */
const GitopsSource = z.union([
  z.string(),
  z
    .object({
      url: z.string().min(1),
      name: z.string().min(1).optional(),
      branch: z.string().min(1).optional(),
      path: z.string().min(1).optional(),
      interval: Duration.optional(),
      envDir: FilePath.optional(),
      removeOrphans: z.boolean().optional(),
      sshKey: FilePath.optional(),
      username: z.string().min(1).optional(),
      passwordFile: FilePath.optional(),
    })
    .strict()
    .refine(
      (source) => !Object.values(source).some((value) => typeof value === 'string' && value.includes(',')),
      {
        message: 'a field holds a comma',
      },
    ),
]);

/** The file keys of a GitOps source and the names --gitops-source gives them. */
export const GITOPS_FIELDS: Readonly<Record<string, string>> = {
  url: 'url',
  name: 'name',
  branch: 'branch',
  path: 'path',
  interval: 'interval',
  envDir: 'env-dir',
  removeOrphans: 'remove-orphans',
  sshKey: 'ssh-key',
  username: 'username',
  passwordFile: 'password-file',
};
/** Fields that name files: read relative to the config file, as the other file keys. */
export const GITOPS_PATH_FIELDS: ReadonlySet<string> = new Set(['envDir', 'sshKey', 'passwordFile']);

/** A login for one registry: a user and a password (inline or from a file), or a credential helper. */
export const RegistryEntry = z
  .object({
    host: z.string({ error: 'expected a registry host, such as ghcr.io' }).min(1),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    passwordFile: FilePath.optional(),
    credHelper: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected the name of a docker-credential-<name> helper')
      .optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    const passwords = [entry.password, entry.passwordFile].filter((value) => value !== undefined).length;
    if (passwords > 1) ctx.addIssue({ code: 'custom', message: 'set password or passwordFile, not both' });
    if (entry.credHelper !== undefined) {
      if (passwords > 0 || entry.username !== undefined)
        ctx.addIssue({ code: 'custom', message: 'a credHelper entry takes no username or password' });
    } else if (entry.username === undefined || passwords === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'needs username and password (or passwordFile), or credHelper',
      });
    }
  });
export type RegistryEntry = z.infer<typeof RegistryEntry>;

/** The schema of one option's value in the file. */
function valueSchema(option: OptionSpec): z.ZodType {
  if (option.key === 'notificationUrls')
    return z.array(NotificationUrl, { error: 'expected a list of URLs' });
  if (option.key === 'registryLimits') return z.array(RegistryLimit, { error: 'expected a list of limits' });
  if (option.key === 'gitopsSources') return z.array(GitopsSource, { error: 'expected a list of sources' });
  // Several windows are several `;`-separated ranges (src/policy/window.ts): a list reads better.
  if (option.key === 'window') return TextList;
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
    if (SECRET_OPTIONS.has(option.key)) shape[option.key + FILE_SUFFIX] = FilePath.optional();
  }
  for (const [key, schema] of Object.entries(EXTRA_KEYS)) shape[key] = schema.optional();
  return z.object(shape).strict();
}

/** The whole file: a mapping of the keys above, nothing else. */
export const ConfigFileSchema: z.ZodObject = buildSchema();

/** What a key of the file holds, in words, for the reference (docs/configuration.md). */
export function fileTypeOf(option: OptionSpec): string {
  if (option.key === 'notificationUrls') return 'list of URLs (or `{ urlFile }`)';
  if (option.key === 'registryLimits')
    return 'list of `HOST=SPEC` or `{ registry, concurrency, requests, window }`';
  if (option.key === 'gitopsSources') return 'list of `url=...` or `{ url, branch, path, interval, ... }`';
  if (option.key === 'window') return 'text or list of windows';
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
