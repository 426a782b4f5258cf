import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/domain/dirs.js';

describe('makeDirs', () => {
  const root = mkdtempSync(join(tmpdir(), 'tw-dirs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('makes every missing level with the mode, and accepts what is there', () => {
    const dir = join(root, 'a', 'b', 'c');
    makeDirs(dir, 0o700);
    for (const level of ['a', 'a/b', 'a/b/c']) expect(statSync(join(root, level)).mode & 0o777).toBe(0o700);
    makeDirs(dir, 0o700);
    makeDirs(root);
  });

  it('fails at once, with the reason, where Node 20 recursive mkdir never returns', () => {
    expect(() => makeDirs('/proc/tidewatch-data/x', 0o700)).toThrow(/ENOENT/);
  });

  it('fails when a file is in the way', () => {
    writeFileSync(join(root, 'file'), '');
    expect(() => makeDirs(join(root, 'file'))).toThrow(/is not a directory/);
    expect(() => makeDirs(join(root, 'file', 'below'))).toThrow(/ENOTDIR/);
  });
});
