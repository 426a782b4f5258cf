import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate, selectAuth } from '../../src/registry/auth-challenge.js';

describe('parseWwwAuthenticate', () => {
  const cases: { name: string; header: string; expected: ReturnType<typeof parseWwwAuthenticate> }[] = [
    {
      name: 'Docker Hub bearer challenge',
      header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      expected: [
        {
          scheme: 'bearer',
          params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' },
        },
      ],
    },
    {
      name: 'scope with colons and a comma inside quotes',
      header: 'Bearer realm="https://r/token",service="a, b",scope="repository:team/app:pull,push"',
      expected: [
        {
          scheme: 'bearer',
          params: { realm: 'https://r/token', service: 'a, b', scope: 'repository:team/app:pull,push' },
        },
      ],
    },
    {
      name: 'basic with realm',
      header: 'Basic realm="Registry Realm"',
      expected: [{ scheme: 'basic', params: { realm: 'Registry Realm' } }],
    },
    {
      name: 'scheme case and parameter name case are normalised, spaces around = allowed',
      header: 'BEARER Realm = "https://r/t" , Service=reg',
      expected: [{ scheme: 'bearer', params: { realm: 'https://r/t', service: 'reg' } }],
    },
    {
      name: 'escaped quote inside a quoted value',
      header: 'Bearer realm="https://r/t",error="say \\"no\\""',
      expected: [{ scheme: 'bearer', params: { realm: 'https://r/t', error: 'say "no"' } }],
    },
    {
      name: 'two challenges in one header (as fetch joins repeated headers)',
      header: 'Basic realm="x", Bearer realm="https://r/t",service="s"',
      expected: [
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'https://r/t', service: 's' } },
      ],
    },
    {
      name: 'bare scheme followed by another challenge',
      header: 'Negotiate, Basic realm="x"',
      expected: [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    },
    { name: 'empty header', header: '', expected: [] },
  ];

  it.each(cases)('$name', ({ header, expected }) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });

  it('survives garbage without looping', () => {
    expect(() => parseWwwAuthenticate('=,,"unterminated = "x')).not.toThrow();
  });
});

describe('selectAuth', () => {
  it.each([
    {
      header: 'Basic realm="x", Bearer realm="https://r/t",service="s"',
      expected: { scheme: 'bearer', realm: 'https://r/t', service: 's' },
    },
    {
      header: 'Bearer realm="https://r/t"',
      expected: { scheme: 'bearer', realm: 'https://r/t', service: undefined },
    },
    { header: 'Basic realm="x"', expected: { scheme: 'basic' } },
    { header: 'Bearer service="no realm"', expected: undefined },
    { header: 'Negotiate abc', expected: undefined },
  ])('$header', ({ header, expected }) => {
    expect(selectAuth(parseWwwAuthenticate(header))).toEqual(expected);
  });
});
