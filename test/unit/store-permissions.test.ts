import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeFile, withApiTokens } from '../../src/store/index.js';
import { fakeClock, openIn, useTempDirs } from './store-fixtures.js';

const tempDir = useTempDirs();
const mode = (path: string): number => statSync(path).mode & 0o777;

// docs/security.md: the data dir is created owner-only, the database readable by its owner alone.
describe('the store Tidewatch creates is its user’s alone', () => {
  it('by the daemon: data dir 0700, database 0600', () => {
    const dir = join(tempDir(), 'data');
    openIn(dir).close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(storeFile(dir))).toBe(0o600);
  });

  it('by a CLI command next to it (token create): the same', () => {
    const dir = join(tempDir(), 'data');
    withApiTokens(storeFile(dir), fakeClock().clock, (tokens) => tokens.create('alice', 'viewer'));
    expect(mode(dir)).toBe(0o700);
    expect(mode(storeFile(dir))).toBe(0o600);
  });
});
