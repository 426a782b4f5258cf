import { describe, expect, it } from 'vitest';
import { statusOf } from '../../src/api/errors.js';
import { ERROR_CODES, exitCodeOf, type ErrorCode } from '../../src/domain/error-codes.js';

/** The one table of error codes (src/domain/error-codes.ts): every code's HTTP status and exit code. */
describe('error codes', () => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it('give every code a status the API can send and an exit code', () => {
    for (const code of codes) {
      const { status, exit } = ERROR_CODES[code];
      expect(status >= 400 && status <= 599, `${code}: ${status}`).toBe(true);
      expect([1, 2], code).toContain(exit);
    }
  });

  it('map to the statuses the API has always answered', () => {
    const expected: Partial<Record<ErrorCode, number>> = {
      'invalid-body': 400,
      HISTORY_BAD_QUERY: 400,
      unauthorized: 401,
      'token-required': 403,
      'not-found': 404,
      conflict: 409,
      'payload-too-large': 413,
      'engine-error': 502,
      'shutting-down': 503,
      STORE_BAD_ROW: 500,
    };
    for (const [code, status] of Object.entries(expected)) expect(statusOf(code), code).toBe(status);
    expect(statusOf('no-such-code')).toBe(500);
  });

  it('exit 2 for bad usage and configuration, 1 for the rest', () => {
    expect(codes.filter((code) => exitCodeOf(code) === 2).sort()).toEqual([
      'invalid-argument',
      'invalid-config',
      'invalid-docker-host',
    ]);
  });
});
