import { describe, expect, it } from 'vitest';
import {
  buildReleaseLinks,
  hasLinkLabels,
  mergeImageLabels,
  normaliseSource,
} from '../../src/domain/index.js';

const SOURCE = 'org.opencontainers.image.source';
const VERSION = 'org.opencontainers.image.version';
const REVISION = 'org.opencontainers.image.revision';
const URL_KEY = 'org.opencontainers.image.url';
const DOCS = 'org.opencontainers.image.documentation';

describe('normaliseSource', () => {
  it.each([
    ['https://github.com/acme/app', 'https://github.com/acme/app'],
    ['https://github.com/acme/app/', 'https://github.com/acme/app'],
    ['https://github.com/acme/app.git', 'https://github.com/acme/app'],
    ['git+https://github.com/acme/app.git', 'https://github.com/acme/app'],
    ['git@github.com:acme/app.git', 'https://github.com/acme/app'],
    ['ssh://git@github.com/acme/app.git', 'https://github.com/acme/app'],
    ['git+ssh://git@github.com:22/acme/app.git', 'https://github.com/acme/app'],
    ['git://github.com/acme/app', 'https://github.com/acme/app'],
    ['http://GitHub.com/acme/app', 'https://github.com/acme/app'],
    ['https://github.com/acme/app/tree/main/sub', 'https://github.com/acme/app'],
    ['https://gitlab.com/group/sub/app.git', 'https://gitlab.com/group/sub/app'],
    ['https://gitlab.com/group/app/-/tree/main', 'https://gitlab.com/group/app'],
    ['git@gitlab.example.org:group/app.git', 'https://gitlab.example.org/group/app'],
    ['https://codeberg.org/acme/app.git/', 'https://codeberg.org/acme/app'],
    ['https://gitea.example.net/acme/app', 'https://gitea.example.net/acme/app'],
    ['https://forgejo.example.net/acme/app', 'https://forgejo.example.net/acme/app'],
    ['https://git.example.net:8443/acme/app.git', 'https://git.example.net:8443/acme/app'],
    ['  https://github.com/acme/app  ', 'https://github.com/acme/app'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseSource(raw)).toBe(expected);
  });

  it.each([
    [undefined],
    [''],
    ['not a url'],
    ['acme/app'],
    ['javascript:alert(1)'],
    ['ftp://github.com/acme/app'],
    ['https://github.com/acme'],
    ['https://github.com/'],
    ['https://user:secret@github.com/acme/app'],
    ['file:///etc/passwd'],
  ])('%s → no source', (raw) => {
    expect(normaliseSource(raw)).toBeUndefined();
  });
});

describe('buildReleaseLinks', () => {
  const running = (source: string, revision?: string): Record<string, string> => ({
    [SOURCE]: source,
    ...(revision === undefined ? {} : { [REVISION]: revision }),
  });
  const next = (source: string, version?: string, revision?: string): Record<string, string> => ({
    [SOURCE]: source,
    ...(version === undefined ? {} : { [VERSION]: version }),
    ...(revision === undefined ? {} : { [REVISION]: revision }),
  });

  it.each([
    [
      'GitHub',
      'https://github.com/acme/app',
      {
        source: 'https://github.com/acme/app',
        release: 'https://github.com/acme/app/releases/tag/v1.2.0',
        compare: 'https://github.com/acme/app/compare/aaa111...bbb222',
      },
    ],
    [
      'GitLab',
      'https://gitlab.com/group/app.git',
      {
        source: 'https://gitlab.com/group/app',
        release: 'https://gitlab.com/group/app/-/releases/v1.2.0',
        compare: 'https://gitlab.com/group/app/-/compare/aaa111...bbb222',
      },
    ],
    [
      'Codeberg',
      'git@codeberg.org:acme/app.git',
      {
        source: 'https://codeberg.org/acme/app',
        release: 'https://codeberg.org/acme/app/releases/tag/v1.2.0',
        compare: 'https://codeberg.org/acme/app/compare/aaa111...bbb222',
      },
    ],
    [
      'Gitea',
      'https://gitea.example.net/acme/app',
      {
        source: 'https://gitea.example.net/acme/app',
        release: 'https://gitea.example.net/acme/app/releases/tag/v1.2.0',
        compare: 'https://gitea.example.net/acme/app/compare/aaa111...bbb222',
      },
    ],
    [
      'Forgejo',
      'https://forgejo.example.net/acme/app',
      {
        source: 'https://forgejo.example.net/acme/app',
        release: 'https://forgejo.example.net/acme/app/releases/tag/v1.2.0',
        compare: 'https://forgejo.example.net/acme/app/compare/aaa111...bbb222',
      },
    ],
    [
      'an unknown host (raw links only)',
      'https://git.example.net/acme/app',
      { source: 'https://git.example.net/acme/app' },
    ],
  ])('%s', (_name, source, expected) => {
    expect(buildReleaseLinks(running(source, 'aaa111'), next(source, 'v1.2.0', 'bbb222'))).toEqual(expected);
  });

  it('no compare view without the running revision, or the new one', () => {
    const src = 'https://github.com/acme/app';
    expect(buildReleaseLinks(running(src), next(src, 'v2', 'bbb'))).toEqual({
      source: src,
      release: `${src}/releases/tag/v2`,
    });
    expect(buildReleaseLinks(running(src, 'aaa'), next(src, 'v2'))?.compare).toBeUndefined();
  });

  it('no compare view when both images are the same revision', () => {
    const src = 'https://github.com/acme/app';
    expect(buildReleaseLinks(running(src, 'aaa'), next(src, undefined, 'aaa'))).toEqual({ source: src });
  });

  it('no compare view when the new image comes from another repository', () => {
    const links = buildReleaseLinks(
      running('https://github.com/old/app', 'aaa'),
      next('https://github.com/new/app', undefined, 'bbb'),
    );
    expect(links).toEqual({ source: 'https://github.com/new/app' });
  });

  it("uses the running image's source when the new one has none", () => {
    const links = buildReleaseLinks(running('https://github.com/acme/app', 'aaa'), {
      [VERSION]: '2.0.0',
      [REVISION]: 'bbb',
    });
    expect(links).toEqual({
      source: 'https://github.com/acme/app',
      release: 'https://github.com/acme/app/releases/tag/2.0.0',
      compare: 'https://github.com/acme/app/compare/aaa...bbb',
    });
  });

  it('passes url and documentation through as given', () => {
    const links = buildReleaseLinks(undefined, {
      [URL_KEY]: 'https://example.com/app',
      [DOCS]: 'https://docs.example.com/app?v=2#start',
    });
    expect(links).toEqual({
      url: 'https://example.com/app',
      documentation: 'https://docs.example.com/app?v=2#start',
    });
  });

  it.each([
    ['a non-URL source', { [SOURCE]: 'see our website', [VERSION]: 'v1', [REVISION]: 'b' }],
    ['a javascript: url', { [URL_KEY]: 'javascript:alert(1)' }],
    ['a url with spaces', { [DOCS]: 'https://example.com/a b' }],
    ['empty labels', { [SOURCE]: '', [URL_KEY]: ' ' }],
  ])('junk gives no link: %s', (_name, labels) => {
    expect(buildReleaseLinks(undefined, labels)).toBeUndefined();
  });

  it('a version or revision that is not tag or commit text gives no link built from it', () => {
    const src = 'https://github.com/acme/app';
    const links = buildReleaseLinks(running(src, '../../evil'), next(src, 'v1/../../x', 'bbb'));
    expect(links).toEqual({ source: src });
  });

  it('no labels at all: no links, and never throws', () => {
    expect(buildReleaseLinks(undefined, undefined)).toBeUndefined();
    expect(buildReleaseLinks({}, {})).toBeUndefined();
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(buildReleaseLinks(hostile, hostile)).toBeUndefined();
  });
});

describe('image labels', () => {
  it('config labels win over manifest annotations', () => {
    expect(mergeImageLabels({ [SOURCE]: 'label' }, { [SOURCE]: 'annotation', [VERSION]: '1' })).toEqual({
      [SOURCE]: 'label',
      [VERSION]: '1',
    });
    expect(mergeImageLabels(null, undefined)).toEqual({});
  });

  it('an image is worth a look-up only when it names a source, url or documentation', () => {
    expect(hasLinkLabels({ [SOURCE]: 'https://github.com/a/b' })).toBe(true);
    expect(hasLinkLabels({ [DOCS]: 'x' })).toBe(true);
    expect(hasLinkLabels({ [VERSION]: '1' })).toBe(false);
    expect(hasLinkLabels(undefined)).toBe(false);
  });
});
