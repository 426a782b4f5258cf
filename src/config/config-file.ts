import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from './yaml.js';
import type { z } from 'zod';
import { TidewatchError, describeError } from '../domain/errors.js';
import {
  ConfigFileSchema,
  FILE_SUFFIX,
  GITOPS_FIELDS,
  GITOPS_PATH_FIELDS,
  fileOptions,
  type RegistryEntry,
} from './config-schema.js';
import type { RegistryLogin } from './settings-schema.js';

export type { RegistryLogin };
import type { OptionSpec } from './options/index.js';

/** A registry login from the file, its password read: what the credential chain takes. */

/** A validated configuration file: the third layer of settings, below flags and env. */
export interface ConfigFile {
  readonly path: string;
  /** Option key → value, in the form loadSettings reads flags in (secret files already read). */
  readonly values: ReadonlyMap<string, unknown>;
  readonly registries: readonly RegistryLogin[];
  /** `config FILE:LINE:COL: key`: where a value came from, for messages about it. */
  where(key: string): string;
}

type Path = ReadonlyArray<string | number>;

/** `notificationUrls[1]`, `registries[0].password`. */
function formatPath(path: Path): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out === '' ? part : `${out}.${part}`),
    '',
  );
}

class Located {
  constructor(
    readonly path: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** `config FILE:LINE:COL` of a node (or of the key of an unknown key), else of the nearest parent. */
  position(path: Path, unknownKey?: string): string {
    let offset = 0;
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      const { isMap, isScalar } = yaml();
      if (unknownKey !== undefined && depth === path.length && isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === unknownKey);
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) {
          offset = keyNode.range[0];
          break;
        }
      }
      const range = (node as Node | null | undefined)?.range;
      if (range) {
        offset = range[0];
        break;
      }
    }
    const { line, col } = this.lines.linePos(offset);
    return `config ${this.path}:${line}:${col}`;
  }

  fail(path: Path, message: string, unknownKey?: string): TidewatchError {
    const key = formatPath(unknownKey === undefined ? path : [...path, unknownKey]);
    return new TidewatchError(
      'invalid-config',
      `${this.position(path, unknownKey)}: ${key === '' ? '' : `${key}: `}${message}`,
    );
  }
}

/** The issue to report: inside a union, the branch that matched the value's shape. */
function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  const issue = issues[0];
  if (issue?.code !== 'invalid_union') return issue;
  const branches = issue.errors.filter(
    (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  const chosen = firstIssue(branches[0] ?? []);
  return chosen === undefined ? issue : { ...chosen, path: [...issue.path, ...chosen.path] };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new TidewatchError('invalid-config', `config ${path}: cannot read it: ${describeError(error)}`, {
      cause: error,
    });
  }
}

/**
 * Reads, parses and validates a YAML configuration file. Any problem throws one line naming the
 * file, the line and column, and the key: `config /etc/tidewatch.yml:12:3: notificationUrls[1]: not a URL`.
 */
export function loadConfigFile(path: string): ConfigFile {
  const text = readText(path);
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const located = new Located(path, doc, lines);
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    const message = (syntax.message.split('\n')[0] ?? syntax.code).replace(/ at line \d+, column \d+:?$/, '');
    throw new TidewatchError('invalid-config', `config ${path}:${line}:${col}: ${message}`);
  }
  const data: unknown = doc.contents === null ? {} : doc.toJS({ maxAliasCount: 100 });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw located.fail([], 'expected a mapping of settings (key: value)');
  }
  const result = ConfigFileSchema.safeParse(data);
  if (!result.success) {
    const issue = firstIssue(result.error.issues);
    const path = (issue?.path ?? []).filter((part) => typeof part !== 'symbol');
    if (issue?.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      throw located.fail(path, `unknown key${suggestion(key)}`, key);
    }
    throw located.fail(path, issue?.message ?? 'invalid');
  }
  return resolveValues(result.data, located);
}

/** `label-enable` → ` (did you mean labelEnable?)`: flags are kebab-case, keys are not. */
function suggestion(key: string): string {
  const camel = key.replace(/[-_]([a-z])/g, (_m, letter: string) => letter.toUpperCase());
  const known = fileOptions().find((option) => option.key.toLowerCase() === camel.toLowerCase());
  return known !== undefined ? ` (did you mean ${known.key}?)` : '';
}

function resolveValues(data: Readonly<Record<string, unknown>>, located: Located): ConfigFile {
  const base = dirname(resolve(located.path));
  const readSecret = (path: Path, file: string): string => {
    const full = resolve(base, file);
    try {
      return readFileSync(full, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw located.fail(path, `cannot read ${full}: ${describeError(error)}`);
    }
  };
  const values = new Map<string, unknown>();
  const sources = new Map<string, Path>();
  for (const option of fileOptions()) {
    const value = data[option.key];
    const file = data[option.key + FILE_SUFFIX];
    if (value !== undefined && file !== undefined) {
      throw located.fail(
        [option.key + FILE_SUFFIX],
        `set ${option.key} or ${option.key}${FILE_SUFFIX}, not both`,
      );
    }
    if (typeof file === 'string') {
      values.set(option.key, readSecret([option.key + FILE_SUFFIX], file));
      sources.set(option.key, [option.key + FILE_SUFFIX]);
    } else if (value !== undefined) {
      values.set(
        option.key,
        plain(option, value, base, (index, urlFile) => readSecret([option.key, index], urlFile)),
      );
      sources.set(option.key, [option.key]);
    }
  }
  const registries = ((data.registries as RegistryEntry[] | undefined) ?? []).map(
    (entry, index): RegistryLogin => ({
      host: entry.host.trim(),
      username: entry.username,
      password:
        entry.passwordFile !== undefined
          ? readSecret(['registries', index, 'passwordFile'], entry.passwordFile)
          : entry.password,
      credHelper: entry.credHelper,
    }),
  );
  return {
    path: located.path,
    values,
    registries,
    where: (key) => {
      const path = sources.get(key) ?? [key];
      return `${located.position(path)}: ${formatPath(path)}`;
    },
  };
}

/** A file value in the form of a flag's: text, a list of text, a boolean. */
function plain(
  { key, kind }: OptionSpec,
  value: unknown,
  base: string,
  readUrlFile: (index: number, file: string) => string,
): unknown {
  if (key === 'notificationUrls') {
    return (value as Array<string | { url?: string; urlFile?: string }>).map((entry, index) =>
      typeof entry === 'string' ? entry : (entry.url ?? readUrlFile(index, entry.urlFile ?? '')),
    );
  }
  if (key === 'registryLimits') {
    return (
      value as Array<string | { registry: string; concurrency?: number; requests?: number; window?: unknown }>
    ).map((entry) => {
      if (typeof entry === 'string') return entry;
      const rate = entry.requests === undefined ? [] : [`${entry.requests}/${String(entry.window)}`];
      const parts = [...(entry.concurrency === undefined ? [] : [String(entry.concurrency)]), ...rate];
      return `${entry.registry}=${parts.join(':')}`;
    });
  }
  if (key === 'gitopsSources') {
    return (value as Array<string | Record<string, unknown>>).map((entry) =>
      typeof entry === 'string'
        ? entry
        : Object.entries(entry)
            .map(([field, item]) => {
              const text = String(item);
              return `${GITOPS_FIELDS[field] ?? field}=${GITOPS_PATH_FIELDS.has(field) ? resolve(base, text) : text}`;
            })
            .join(','),
    );
  }
  if (key === 'window' && Array.isArray(value)) return value.join('; ');
  // `approve: true`, `scope: 2`: YAML types for what is text to the option.
  if (typeof value === 'number' || typeof value === 'boolean')
    return kind === 'boolean' ? value : String(value);
  return value;
}
