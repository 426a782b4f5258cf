import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The folders' boundaries (docs/ARCHITECTURE.md), type imports included: ESLint's import-x/no-cycle
 * (eslint.config.js) skips `import type`, and a cycle of types still ties folders together (the
 * cycle's vocabulary lived in src/updater and made swarm, compose and updater one knot). The graph
 * is read with TypeScript's own pre-processor, so `import type`, `export ... from` and side-effect
 * imports all count.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** `./x.js` from `file` → the .ts/.tsx (or folder index) it names; undefined for packages. */
function resolveLocal(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = join(dirname(file), specifier).replace(/\.js$/, '');
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((imported) => resolveLocal(file, imported.fileName))
      .filter((target): target is string => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan): each is at least one cycle. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

const rel = (file: string): string => relative(ROOT, file);

describe('the import graph of src/', () => {
  const graph = importGraph(sourceFiles(SRC));

  it('reads the graph (sanity: the updater imports the domain)', () => {
    const cycle = graph.get(join(SRC, 'updater', 'cycle.ts')) ?? [];
    expect(cycle.map(rel)).toContain('src/domain/run.ts');
  });

  it('finds a cycle where there is one (the check itself can fail)', () => {
    const a = join(SRC, 'a.ts');
    const b = join(SRC, 'b.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ).map((c) => c.map(rel)),
    ).toEqual([['src/a.ts', 'src/b.ts']]);
  });

  it('has no import cycle, type imports included', () => {
    const found = cycles(graph).map((component) => component.map(rel).join(' ↔ '));
    expect(found, `import cycles:\n${found.join('\n')}`).toEqual([]);
  });

  it('reaches src/cli only from src/main.ts', () => {
    const cli = join(SRC, 'cli');
    const offenders = [...graph.entries()].flatMap(([file, targets]) =>
      file.startsWith(cli) || file === join(SRC, 'main.ts')
        ? []
        : targets.filter((target) => target.startsWith(cli)).map((target) => `${rel(file)} → ${rel(target)}`),
    );
    expect(offenders).toEqual([]);
  });
});
