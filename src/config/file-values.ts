import { z } from 'zod';
import { parseDurationMs } from './duration.js';

/**
 * The shapes values take in the configuration file, beside the option kinds' own: the special
 * ones an option names in its spec (`fileValue`), and the registry logins. Used by the options'
 * specs and by the file's schema (config-schema.ts).
 */

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

const isDuration = (value: string | number): boolean => parseDurationMs(String(value)) !== undefined;

export const Text = z.union([z.string(), z.number(), z.boolean()], { error: 'expected text' });
export const TextList = z.union([z.string(), z.array(z.string({ error: 'expected text' }))], {
  error: 'expected a list of text',
});
export const Duration = z
  .union([z.string(), z.number().nonnegative()], { error: 'expected a duration such as 30s, 5m or 1h' })
  .refine(isDuration, 'not a duration such as 30s, 5m or 1h (a bare number is seconds)');
export const FilePath = z.string({ error: 'expected a file path' }).min(1, 'expected a file path');

/** A notification URL, inline or read from a file (a URL holds the service's token). */
export const NotificationUrl = z.union([
  z.string().refine(isUrl, 'not a URL'),
  z.object({ url: z.string().refine(isUrl, 'not a URL') }).strict(),
  z.object({ urlFile: FilePath }).strict(),
]);

/** A budget as `HOST=SPEC` text, or as its fields (`window` a duration). */
export const RegistryLimit = z.union([
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
export const GitopsSource = z.union([
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
