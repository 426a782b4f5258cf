import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWholeFile, writeWholeFileSync } from '../../src/domain/whole-file.js';

describe('writing a file whole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-whole-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['async', writeWholeFile],
    ['sync', writeWholeFileSync],
  ] as const)(
    '%s: replaces the file, with the mode asked, and leaves nothing beside it',
    async (kind, write) => {
      const file = join(dir, `${kind}.txt`);
      await write(file, 'first');
      await write(file, 'second', 0o600);
      expect(readFileSync(file, 'utf8')).toBe('second');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir).filter((name) => name.replace(/^\./, '').startsWith(`${kind}.txt`))).toEqual([
        `${kind}.txt`,
      ]);
    },
  );

  it.each([
    ['async', writeWholeFile],
    ['sync', writeWholeFileSync],
  ] as const)('%s: a write that cannot finish throws and leaves no partial file', async (kind, write) => {
    // A directory where the file should go: the rename fails after the data was written.
    const blocked = join(dir, `${kind}-blocked`);
    mkdirSync(join(blocked, 'inside'), { recursive: true });
    await expect(async () => write(blocked, 'data')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir).filter((name) => name.startsWith(`.${kind}-blocked`))).toEqual([]);
  });
});
