import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DOCS = new URL('../../docs/', import.meta.url);

describe('docs/README.md, the index', () => {
  const index = readFileSync(new URL('README.md', DOCS), 'utf8');
  const pages = readdirSync(DOCS).filter((name) => name.endsWith('.md') && name !== 'README.md');

  it.each(pages)('links %s', (page) => {
    expect(index).toContain(`](${page})`);
  });

  it('links only pages that exist', () => {
    const linked = [...index.matchAll(/\]\(([^)#/]+\.md)\)/g)].map((match) => match[1]);
    expect(linked.filter((page) => page !== undefined && !pages.includes(page))).toEqual([]);
  });
});

describe('the repository says what it is', () => {
  const root = new URL('../../', import.meta.url);
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { license: string };

  it('has a LICENSE matching package.json', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync(new URL('LICENSE', root), 'utf8')).toContain(
      'Apache License\n                           Version 2.0',
    );
  });

  it('has a CHANGELOG with the current version', () => {
    const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      version: string;
    };
    expect(readFileSync(new URL('CHANGELOG.md', root), 'utf8')).toContain(`(${version})`);
  });
});
