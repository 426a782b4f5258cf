import { describe, expect, it } from 'vitest';
import { answerExpiry, HELPER_ANSWER_TTL_MS, jwtExpiry } from '../../src/registry/credential-expiry.js';

const NOW = Date.parse('2026-12-04T20:00:00Z');
const jwt = (claims: object): string =>
  ['{"alg":"none"}', JSON.stringify(claims), 'sig']
    .map((part) => Buffer.from(part).toString('base64url'))
    .join('.');

describe('answerExpiry', () => {
  it('keeps a plain password for the default TTL', () => {
    expect(answerExpiry({ username: 'u', password: 'p' }, undefined, NOW)).toBe(NOW + HELPER_ANSWER_TTL_MS);
  });

  it('an ExpiresAt sooner than the TTL wins, a minute early', () => {
    const at = new Date(NOW + 5 * 60_000).toISOString();
    expect(answerExpiry({ username: 'u', password: 'p' }, at, NOW)).toBe(NOW + 4 * 60_000);
  });

  it('a JWT secret expires with its exp claim, a minute early', () => {
    const token = jwt({ exp: (NOW + 3 * 60_000) / 1000 });
    expect(answerExpiry({ identityToken: token }, undefined, NOW)).toBe(NOW + 2 * 60_000);
  });

  it('a far expiry does not extend the TTL; an expired one is used once, not cached', () => {
    expect(answerExpiry({ password: jwt({ exp: NOW / 1000 + 86_400 }) }, undefined, NOW)).toBe(
      NOW + HELPER_ANSWER_TTL_MS,
    );
    expect(answerExpiry({ password: 'p' }, new Date(NOW - 1000).toISOString(), NOW)).toBe(NOW);
  });

  it('ignores what is not a time or not a JWT', () => {
    expect(answerExpiry({ password: 'a.b.c' }, 'soon', NOW)).toBe(NOW + HELPER_ANSWER_TTL_MS);
    expect(jwtExpiry(jwt({ sub: 'x' }))).toBeUndefined();
  });
});
