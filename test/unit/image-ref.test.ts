import { describe, expect, it } from 'vitest';
import { formatImageRef, parseImageRef, repoDigestOf } from '../../src/domain/index.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef', () => {
  it.each([
    ['nginx', 'docker.io', 'library/nginx', 'latest', undefined],
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['library/nginx', 'docker.io', 'library/nginx', 'latest', undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', 'latest', undefined],
    ['index.docker.io/team/app:v2', 'docker.io', 'team/app', 'v2', undefined],
    ['registry-1.docker.io/team/app', 'docker.io', 'team/app', 'latest', undefined],
    ['team/app:1.0-alpine', 'docker.io', 'team/app', '1.0-alpine', undefined],
    ['ghcr.io/org/repo/sub:edge', 'ghcr.io', 'org/repo/sub', 'edge', undefined],
    ['localhost/app', 'localhost', 'app', 'latest', undefined],
    ['localhost:5000/app:dev', 'localhost:5000', 'app', 'dev', undefined],
    ['127.0.0.1:5000/x:latest', '127.0.0.1:5000', 'x', 'latest', undefined],
    [`127.0.0.1:5000/x@${DIGEST}`, '127.0.0.1:5000', 'x', undefined, DIGEST],
    [`nginx:1.25@${DIGEST}`, 'docker.io', 'library/nginx', '1.25', DIGEST],
    [
      'my-registry.example.com:443/a/b_c/d__e:tag.1',
      'my-registry.example.com:443',
      'a/b_c/d__e',
      'tag.1',
      undefined,
    ],
  ])('%s', (input, registry, repository, tag, digest) => {
    expect(parseImageRef(input)).toEqual({ registry, repository, tag, digest });
  });

  it.each([
    ['', 'empty'],
    ['UPPER/case', 'not a valid repository component'],
    ['nginx:bad tag', 'not a valid tag'],
    ['nginx@sha256:short', 'not a digest'],
    ['host:5000/', 'repository name is empty'],
    ['a//b', 'not a valid repository component'],
  ])('rejects %j with a reason', (input, why) => {
    expect(() => parseImageRef(input)).toThrow(why);
  });

  it('formats back to the familiar form', () => {
    expect(formatImageRef(parseImageRef('docker.io/library/nginx'))).toBe('nginx:latest');
    expect(formatImageRef(parseImageRef('127.0.0.1:5000/x'))).toBe('127.0.0.1:5000/x:latest');
  });
});

describe('repoDigestOf', () => {
  const ref = parseImageRef('127.0.0.1:5000/app:latest');
  it('finds the digest of the same repository', () => {
    expect(repoDigestOf(ref, `127.0.0.1:5000/app@${DIGEST}`)).toBe(DIGEST);
  });
  it('ignores other repositories, even on the same registry', () => {
    expect(repoDigestOf(ref, `127.0.0.1:5000/other@${DIGEST}`)).toBeUndefined();
    expect(repoDigestOf(ref, `app@${DIGEST}`)).toBeUndefined();
  });
  it('matches Docker Hub names in familiar form', () => {
    expect(repoDigestOf(parseImageRef('docker.io/library/nginx:1'), `nginx@${DIGEST}`)).toBe(DIGEST);
  });
});
