import { describe, expect, it } from 'vitest';
import { Endpoints } from '../../src/registry/endpoints.js';
import { parseRetryAfter } from '../../src/registry/http.js';
import { Memo } from '../../src/registry/memo.js';
import { tokenExpiry } from '../../src/registry/token-cache.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    { value: '7', expected: 7000 },
    { value: ' 0 ', expected: 0 },
    { value: 'Thu, 01 Jan 2026 00:00:30 GMT', expected: 30_000 },
    { value: 'Wed, 31 Dec 2025 23:00:00 GMT', expected: 0 },
    { value: 'soon', expected: undefined },
    { value: null, expected: undefined },
  ])('$value', ({ value, expected }) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('tokenExpiry', () => {
  const now = 1_000_000_000;
  it('defaults to 60 s less a margin', () => expect(tokenExpiry(now)).toBe(now + 50_000));
  it('uses expires_in', () => expect(tokenExpiry(now, 300)).toBe(now + 290_000));
  it('short tokens keep half their life', () => expect(tokenExpiry(now, 10)).toBe(now + 5_000));
  it('counts from a recent issued_at', () =>
    expect(tokenExpiry(now, 300, new Date(now - 100_000).toISOString())).toBe(now + 190_000));
  it('ignores an issued_at in the future (server clock ahead)', () =>
    expect(tokenExpiry(now, 300, new Date(now + 3_600_000).toISOString())).toBe(now + 290_000));
  it('ignores an issued_at older than the lifetime (server clock far behind)', () =>
    expect(tokenExpiry(now, 300, new Date(now - 3_600_000).toISOString())).toBe(now + 290_000));
});

describe('Endpoints', () => {
  const endpoints = new Endpoints(['registry.lan', 'other.lan:5000']);
  it.each([
    { registry: 'docker.io', url: 'https://registry-1.docker.io' },
    { registry: 'ghcr.io', url: 'https://ghcr.io' },
    { registry: 'localhost:5000', url: 'http://localhost:5000' },
    { registry: '127.0.0.1:5000', url: 'http://127.0.0.1:5000' },
    { registry: '127.8.9.10', url: 'http://127.8.9.10' },
    { registry: '[::1]:5000', url: 'http://[::1]:5000' },
    { registry: 'registry.lan:443', url: 'http://registry.lan:443' },
    { registry: 'other.lan:5000', url: 'http://other.lan:5000' },
    { registry: 'other.lan:6000', url: 'https://other.lan:6000' },
    { registry: '128.0.0.1:5000', url: 'https://128.0.0.1:5000' },
  ])('$registry → $url', ({ registry, url }) => {
    expect(endpoints.baseUrl(registry)).toBe(url);
  });

  it('sends credentials only over https or to insecure hosts', () => {
    expect(endpoints.mayCarryCredentials(new URL('https://auth.example/token'))).toBe(true);
    expect(endpoints.mayCarryCredentials(new URL('http://auth.example/token'))).toBe(false);
    expect(endpoints.mayCarryCredentials(new URL('http://127.0.0.1:9/token'))).toBe(true);
  });
});

describe('Memo', () => {
  it('runs a key once and shares the result', async () => {
    const memo = new Memo<number>();
    let runs = 0;
    const run = async (): Promise<number> => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return 42;
    };
    const signal = new AbortController().signal;
    const results = await Promise.all([memo.get('k', signal, run), memo.get('k', signal, run)]);
    expect(results).toEqual([42, 42]);
    expect(await memo.get('k', signal, run)).toBe(42);
    expect(runs).toBe(1);
  });

  it('one caller aborting does not fail the others; all aborting abandons the work', async () => {
    const memo = new Memo<string>();
    const seen: AbortSignal[] = [];
    const run = (signal: AbortSignal): Promise<string> => {
      seen.push(signal);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve('done'), 50);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('aborted'));
        });
      });
    };
    const a = new AbortController();
    const b = new AbortController();
    const first = memo.get('k', a.signal, run);
    const second = memo.get('k', b.signal, run);
    a.abort(new Error('a gave up'));
    await expect(first).rejects.toThrow('a gave up');
    expect(await second).toBe('done');

    const c = new AbortController();
    const third = memo.get('x', c.signal, run);
    c.abort(new Error('c gave up'));
    await expect(third).rejects.toThrow('c gave up');
    expect(seen[1]?.aborted).toBe(true);
    // Abandoned work is forgotten: the next caller runs it again.
    expect(await memo.get('x', new AbortController().signal, run)).toBe('done');
    expect(seen).toHaveLength(3);
  });
});
