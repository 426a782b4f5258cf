import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { readComposeOrigin } from '../../src/compose/index.js';
import {
  LABELS,
  OPTIONS,
  readContainerLabels,
  readDependsOnLabel,
  readPolicyLabels,
  readScopeLabel,
  renderConfigurationReference,
} from '../../src/config/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const reference = join(root, 'docs/configuration.md');
const guide = readFileSync(join(root, 'docs/migrating-from-watchtower.md'), 'utf8');

describe('docs/configuration.md', () => {
  it('is what `npm run docs` renders from the code (run it after changing an option or a label)', async () => {
    const options = (await prettier.resolveConfig(reference)) ?? {};
    const expected = await prettier.format(renderConfigurationReference(), {
      ...options,
      parser: 'markdown',
    });
    expect(readFileSync(reference, 'utf8'), 'docs/configuration.md is stale: run `npm run docs`').toBe(
      expected,
    );
  });

  it('lists every option and every label', () => {
    const text = renderConfigurationReference();
    for (const option of OPTIONS) {
      // Every option has a key in the file, except the file's own path.
      if (option.key !== 'config') expect(text).toContain(`\`${option.key}`);
      if (option.flag !== undefined) expect(text).toContain(`\`--${option.flag}`);
      for (const name of option.env) expect(text).toContain(`\`${name}\``);
    }
    for (const label of LABELS) expect(text).toContain(`\`${label.key}\``);
  });
});

const LABEL_NAME = /^(?:tidewatch\.|com\.centurylinklabs\.watchtower)/;
const known = new Set(
  LABELS.flatMap((label) => [
    label.key,
    ...(label.watchtower ? [label.watchtower] : []),
    ...(label.alsoRead ?? []),
  ]),
);

/** The label keys a parser reads, seen through a Proxy: what it asks for, not what the source spells. */
function keysRead(
  read: (labels: Record<string, string>) => unknown,
  values: Record<string, string>,
): string[] {
  const seen = new Set<string>();
  const labels = new Proxy(values, {
    get(target, key) {
      if (typeof key === 'string') seen.add(key);
      return typeof key === 'string' ? target[key] : undefined;
    },
  });
  read(labels);
  return [...seen].filter((key) => LABEL_NAME.test(key));
}

const READERS: ReadonlyArray<readonly [string, (labels: Record<string, string>) => unknown]> = [
  ['readContainerLabels', readContainerLabels],
  ['readPolicyLabels', readPolicyLabels],
  ['readScopeLabel', readScopeLabel],
  ['readDependsOnLabel', readDependsOnLabel],
  [
    'readComposeOrigin',
    (labels) =>
      readComposeOrigin({
        ...labels,
        'com.docker.compose.project': 'demo',
        'com.docker.compose.service': 'web',
      }),
  ],
];

describe('the label table (src/config/label-reference.ts)', () => {
  const examples = Object.fromEntries(LABELS.map((label) => [label.key, label.example]));

  it.each(READERS)('holds every label %s reads, and its examples parse', (_name, read) => {
    // Unset first, then every label set (so a hook's timeout, read only with its command, is asked for).
    const read1 = keysRead(read, {});
    const read2 = keysRead(read, { ...examples });
    expect(read2.length).toBeGreaterThan(0);
    for (const key of [...read1, ...read2]) expect(known, `${key} is read but not in LABELS`).toContain(key);
  });

  it('holds every tidewatch.* label named as a string in the source', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        // Not labels Tidewatch reads: file names (store), the dashboard, the demo's marker on its containers.
        if (statSync(path).isDirectory()) return ['ui', 'store', 'demo'].includes(name) ? [] : files(path);
        return path.endsWith('.ts') ? [path] : [];
      });
    const literals = files(join(root, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/'(tidewatch\.[a-z0-9.-]*[a-z0-9])'/g)].map(
        (match) => match[1] ?? '',
      ),
    );
    expect(literals).toContain('tidewatch.compose.write-back');
    for (const literal of literals) expect(known, `${literal} is not in LABELS`).toContain(literal);
  });
});

describe('docs/migrating-from-watchtower.md', () => {
  it.each(OPTIONS.flatMap((option) => option.env.filter((name) => name.startsWith('WATCHTOWER_'))))(
    'maps %s',
    (name) => expect(guide).toContain(`\`${name}\``),
  );
  it.each(LABELS.flatMap((label) => (label.watchtower ? [label.watchtower] : [])))(
    'maps the label %s',
    (name) => expect(guide).toContain(`\`${name}`),
  );
});
