import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  checkAccess,
  hmacSignatureValid,
  secretsEqual,
  type Access,
} from '../../src/api/auth.js';

describe('API auth', () => {
  it('compares secrets exactly, whatever their lengths', () => {
    expect(secretsEqual('s3cret-token', 's3cret-token')).toBe(true);
    expect(secretsEqual('s3cret-token', 's3cret-toke')).toBe(false);
    expect(secretsEqual('s3cret-token', 's3cret-token ')).toBe(false);
    expect(secretsEqual('a', 'b'.repeat(10_000))).toBe(false);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc  ', 'abc'],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    ['Basic abc', undefined],
    ['abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads the token of %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  const withToken = { token: 'right-token', metricsPublic: false };
  const noToken = { token: undefined, metricsPublic: false };
  const cases: Array<[Access, typeof withToken | typeof noToken, string | undefined, string | undefined]> = [
    ['public', withToken, undefined, undefined],
    ['webhook', withToken, undefined, undefined],
    ['read', withToken, undefined, 'unauthorized'],
    ['read', withToken, 'Bearer wrong', 'unauthorized'],
    ['read', withToken, 'Bearer right-token', undefined],
    ['read', noToken, undefined, undefined],
    ['metrics', withToken, undefined, 'unauthorized'],
    ['metrics', { ...withToken, metricsPublic: true }, undefined, undefined],
    ['metrics', noToken, undefined, undefined],
    ['mutate', withToken, undefined, 'unauthorized'],
    ['mutate', withToken, 'Bearer wrong', 'unauthorized'],
    ['mutate', withToken, 'right-token', 'unauthorized'],
    ['mutate', withToken, 'Bearer right-token', undefined],
    ['mutate', noToken, undefined, 'token-required'],
    ['mutate', noToken, 'Bearer anything', 'token-required'],
  ];
  it.each(cases)('%s access (%o) with %j: %s', (access, settings, header, code) => {
    expect(checkAccess(access, settings, header)?.code).toBe(code);
  });

  it('checks a GitHub signature over the exact body', () => {
    const body = '{"action":"published"}';
    const signature = `sha256=${createHmac('sha256', 'key').update(body).digest('hex')}`;
    expect(hmacSignatureValid('key', body, signature)).toBe(true);
    expect(hmacSignatureValid('key', body, signature.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
    expect(hmacSignatureValid('key', `${body} `, signature)).toBe(false);
    expect(hmacSignatureValid('other', body, signature)).toBe(false);
    expect(hmacSignatureValid('key', body, undefined)).toBe(false);
    expect(hmacSignatureValid('key', body, 'sha256=abc')).toBe(false);
    expect(hmacSignatureValid('key', body, signature.replace('sha256=', 'sha1='))).toBe(false);
  });
});
