import { z } from 'zod';
import { TidewatchError } from '../domain/errors.js';
import { redactUrlsIn } from '../domain/redact.js';
import { parseDurationMs } from './duration.js';

/**
 * One GitOps source (src/gitops), as a plain object so a config file can hold a list of them as
 * they are. Secrets are never inline: `sshKey` and `passwordFile` name files.
 */
export const GitopsSourceSetting = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    url: z.string().min(1),
    branch: z.string().min(1),
    /** Folder in the repository the projects are under ('.' for the root). */
    path: z.string().min(1),
    intervalMs: z.number().int().positive(),
    /** Folder of `<project>.env` files kept outside the repository (secrets). */
    envDir: z.string().min(1).optional(),
    removeOrphans: z.boolean(),
    sshKey: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
  })
  .strict();
export type GitopsSourceSetting = z.infer<typeof GitopsSourceSetting>;

export const DEFAULT_GITOPS_INTERVAL_MS = 60_000;

const KEYS = new Set([
  'name',
  'url',
  'branch',
  'path',
  'interval',
  'env-dir',
  'remove-orphans',
  'ssh-key',
  'username',
  'password-file',
]);

/**
 * `--gitops-source` entries: `url=URL,branch=B,path=P,interval=D,...` (only url is required).
 * Entries come repeated or separated by `;` or newlines. A bad one throws naming `source`.
 */
export function parseGitopsSources(entries: readonly string[], source: string): GitopsSourceSetting[] {
  const sources = entries
    .flatMap((entry) => entry.split(/[;\n]/))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => parseEntry(entry, source));
  const names = new Set<string>();
  for (const item of sources) {
    if (names.has(item.name))
      throw new TidewatchError('invalid-config', `${source}: two sources are named ${item.name}`);
    names.add(item.name);
  }
  return sources;
}

function parseEntry(entry: string, source: string): GitopsSourceSetting {
  const fail = (why: string): never => {
    throw new TidewatchError('invalid-config', `${source}: ${why} in "${redactUrlsIn(entry)}"`);
  };
  const fields = new Map<string, string>();
  for (const part of entry.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) fail(`expected key=value, got "${part}"`);
    const key = part.slice(0, at).trim();
    if (!KEYS.has(key)) fail(`unknown key ${key}`);
    fields.set(key, part.slice(at + 1).trim());
  }
  const url = fields.get('url') ?? fail('url= is missing');
  const interval = fields.get('interval');
  const intervalMs = interval === undefined ? DEFAULT_GITOPS_INTERVAL_MS : parseDurationMs(interval);
  if (intervalMs === undefined || intervalMs <= 0) fail(`interval=${interval ?? ''} is not a duration`);
  const removeOrphans = fields.get('remove-orphans');
  if (removeOrphans !== undefined && !['true', 'false'].includes(removeOrphans)) {
    fail('remove-orphans must be true or false');
  }
  const parsed = GitopsSourceSetting.safeParse({
    name: fields.get('name') ?? nameOf(url),
    url,
    branch: fields.get('branch') ?? 'main',
    path: fields.get('path') ?? '.',
    intervalMs,
    envDir: fields.get('env-dir'),
    removeOrphans: removeOrphans === 'true',
    sshKey: fields.get('ssh-key'),
    username: fields.get('username'),
    passwordFile: fields.get('password-file'),
  });
  if (!parsed.success)
    fail(
      `${parsed.error.issues[0]?.path.join('.') ?? 'value'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data as GitopsSourceSetting;
}

/** The repository's name from its URL: `ssh://git@host/org/stacks.git` → `stacks`. */
function nameOf(url: string): string {
  const last = url.replace(/\/+$/, '').split(/[/:]/).at(-1) ?? '';
  const name = last
    .replace(/\.git$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return name === '' ? 'source' : name;
}
