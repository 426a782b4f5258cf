import { z } from 'zod';
import { TidewatchError } from '../domain/errors.js';
import { parseDurationMs } from './duration.js';

/**
 * One registry's budget, as a plain object so a config file can hold a list of them as they are:
 * `registry` as image references name it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`) or `*` for
 * every registry without an entry of its own. An absent field is no limit of that kind.
 */
export const RegistryLimitSetting = z
  .object({
    registry: z.string().min(1),
    concurrency: z.number().int().positive().optional(),
    requests: z.number().int().positive().optional(),
    windowMs: z.number().int().positive().optional(),
  })
  .strict();
export type RegistryLimitSetting = z.infer<typeof RegistryLimitSetting>;

// Docker Hub has three names; image references use docker.io (see parseImageRef).
const HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io']);
const HOST = /^(?:\*|\[[0-9a-f:.]+\](?::\d{1,5})?|[a-z0-9.-]+(?::\d{1,5})?)$/;
const COUNT = /^[1-9]\d{0,8}$/;
const UNIT_ONLY = /^(?:s|m|h|d)$/;

/**
 * `--registry-limit` entries: `HOST=SPEC`, where SPEC is a concurrency (`4`), a rate (`100/6h`,
 * `10/s`), or both joined by a colon (`2:100/6h`), in either order. `*` sets the default for
 * registries without an entry. A bad entry throws one line naming `source` and the entry.
 */
export function parseRegistryLimits(entries: readonly string[], source: string): RegistryLimitSetting[] {
  const limits: RegistryLimitSetting[] = [];
  for (const entry of entries) {
    const limit = parseEntry(entry, source);
    if (limits.some((other) => other.registry === limit.registry)) {
      throw new TidewatchError('invalid-config', `${source}: ${limit.registry} is given twice`);
    }
    limits.push(limit);
  }
  return limits;
}

function parseEntry(entry: string, source: string): RegistryLimitSetting {
  const fail = (why: string): never => {
    throw new TidewatchError(
      'invalid-config',
      `${source}: "${entry}" ${why}; expected HOST=CONCURRENCY, HOST=REQUESTS/WINDOW or HOST=CONCURRENCY:REQUESTS/WINDOW (e.g. docker.io=2:100/6h)`,
    );
  };
  const equals = entry.lastIndexOf('=');
  if (equals <= 0) return fail('has no HOST=');
  let registry = entry.slice(0, equals).trim().toLowerCase();
  if (!HOST.test(registry)) return fail(`names no registry host ("${registry}")`);
  if (HUB_ALIASES.has(registry)) registry = 'docker.io';
  const limit: { -readonly [K in keyof RegistryLimitSetting]: RegistryLimitSetting[K] } = { registry };
  const parts = entry
    .slice(equals + 1)
    .trim()
    .split(':');
  if (parts.length > 2 || parts.some((part) => part === '')) return fail('has an empty or extra part');
  for (const part of parts) {
    const slash = part.indexOf('/');
    if (slash === -1) {
      if (!COUNT.test(part) || limit.concurrency !== undefined)
        return fail(`has a bad concurrency "${part}"`);
      limit.concurrency = Number(part);
      continue;
    }
    const count = part.slice(0, slash);
    const window = part.slice(slash + 1);
    const windowMs = parseDurationMs(UNIT_ONLY.test(window) ? `1${window}` : window);
    if (!COUNT.test(count) || windowMs === undefined || windowMs <= 0 || limit.requests !== undefined) {
      return fail(`has a bad rate "${part}"`);
    }
    limit.requests = Number(count);
    limit.windowMs = windowMs;
  }
  return RegistryLimitSetting.parse(limit);
}
