import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { fakeClock, openIn, useTempDirs, type FakeClock } from './store-fixtures.js';

const tempDir = useTempDirs('all');
let store: Store;
let time: FakeClock;
let dir: string;
beforeAll(() => {
  time = fakeClock(1_000_000);
  dir = tempDir();
  store = openIn(dir, time.clock);
});
afterAll(() => store.close());

describe('bad digests', () => {
  it('remembers a digest per container', () => {
    store.badDigests.remember('web', 'sha256:bad1', 'unhealthy after 30s');
    expect(store.badDigests.isBad('web', 'sha256:bad1')).toBe(true);
    expect(store.badDigests.isBad('api', 'sha256:bad1')).toBe(false);
    expect(store.badDigests.isBad('web', 'sha256:good')).toBe(false);
  });

  it('lists newest first, and a second failure refreshes reason and time', () => {
    store.badDigests.remember('shop', 'sha256:one', 'exited 1');
    time.tick(1000);
    store.badDigests.remember('shop', 'sha256:two', 'unhealthy');
    time.tick(1000);
    store.badDigests.remember('shop', 'sha256:one', 'exited 137');
    expect(store.badDigests.list('shop')).toEqual([
      { containerName: 'shop', digest: 'sha256:one', reason: 'exited 137', recordedAt: 1_002_000 },
      { containerName: 'shop', digest: 'sha256:two', reason: 'unhealthy', recordedAt: 1_001_000 },
    ]);
  });

  it("forgets one container's digests and says how many", () => {
    store.badDigests.remember('mail', 'sha256:a', 'x');
    store.badDigests.remember('mail', 'sha256:b', 'y');
    store.badDigests.remember('other', 'sha256:a', 'z');
    expect(store.badDigests.forget('mail')).toBe(2);
    expect(store.badDigests.list('mail')).toEqual([]);
    expect(store.badDigests.isBad('other', 'sha256:a')).toBe(true);
    expect(store.badDigests.forget('mail')).toBe(0);
  });

  it('keeps them across a reopen', () => {
    store.badDigests.remember('kept', 'sha256:k', 'crash loop');
    store.close();
    store = openIn(dir, time.clock);
    expect(store.badDigests.isBad('kept', 'sha256:k')).toBe(true);
  });
});

describe('seen digests', () => {
  it('returns the first time a digest was seen, however often it is seen again', () => {
    const first = time.clock();
    expect(store.seenDigests.markSeen('nginx:1.27', 'sha256:n1')).toBe(first);
    time.tick(60_000);
    expect(store.seenDigests.markSeen('nginx:1.27', 'sha256:n1')).toBe(first);
    expect(store.seenDigests.markSeen('nginx:1.27', 'sha256:n2')).toBe(first + 60_000);
    expect(store.seenDigests.markSeen('web', 'sha256:n1')).toBe(first + 60_000);
  });
});
