import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MAX_LINES = 300;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('source files', () => {
  // Small modules with one job: a file past this is a sign it does two (docs/ARCHITECTURE.md).
  it(`are each under ${MAX_LINES} lines`, () => {
    const long = sources(join(root, 'src'))
      .map((path) => ({
        path: relative(root, path),
        lines: readFileSync(path, 'utf8').split('\n').length - 1,
      }))
      .filter(({ lines }) => lines >= MAX_LINES);
    expect(long).toEqual([]);
  });
});
