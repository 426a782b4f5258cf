import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(text: string): Set<string> {
  const withoutCode = text.replace(/```[\s\S]*?```/g, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));
}

/** Relative links of a markdown file, outside code blocks: `[text](target)`. */
function relativeLinks(text: string): string[] {
  const withoutCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z]+:/.test(target));
}

describe('README.md', () => {
  const readme = read('README.md');

  it('is under 200 lines: the tables live in docs/configuration.md', () => {
    expect(readme.split('\n').length).toBeLessThan(200);
    expect(readme).not.toMatch(/^\| `--/m);
  });

  it('keeps the two commands a newcomer needs', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm ci && npm test');
    expect(readme).toContain('docker run');
  });
});

describe('docs/configuration.md', () => {
  const reference = read('docs/configuration.md');
  it.each(OPTIONS.map((option) => [option.key, option] as const))('documents %s', (_key, option) => {
    if (option.flag !== undefined) expect(reference).toContain(`--${option.flag}`);
    for (const name of option.env) expect(reference).toContain(`\`${name}\``);
  });
});

describe.each(DOCS)('the links in %s', (file) => {
  it('resolve to files and headings that exist', () => {
    const text = read(file);
    const broken = relativeLinks(text).filter((target) => {
      const [path = '', anchor] = target.split('#');
      const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
      if (!existsSync(join(ROOT, resolved))) return true;
      if (anchor === undefined || !resolved.endsWith('.md')) return false;
      return !anchorsIn(read(resolved)).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
