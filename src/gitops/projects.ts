import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { TidewatchError } from '../domain/errors.js';

/** The file names compose looks for, in its order of preference. */
const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const MAX_DEPTH = 4;

/** One compose project of a source: a folder holding a compose file. */
export interface GitopsProject {
  /** The compose project name: the folder's name, lower case, as compose derives it. */
  readonly name: string;
  readonly dir: string;
  readonly file: string;
  /** The folder relative to the checkout, for history and logs. */
  readonly relativeDir: string;
}

/** Every folder under `path` (itself included, a few levels deep) with a compose file; `.git` skipped. */
export function findProjects(checkout: string, path: string): GitopsProject[] {
  const root = resolve(checkout, path);
  if (relative(checkout, root).startsWith('..')) {
    throw new TidewatchError('invalid-config', `gitops path ${path} leaves the repository`);
  }
  if (!existsSync(root)) return [];
  const found: GitopsProject[] = [];
  const visit = (dir: string, depth: number): void => {
    const file = COMPOSE_FILES.map((name) => join(dir, name)).find((candidate) => existsSync(candidate));
    if (file)
      found.push({
        name: projectName(basename(dir)),
        dir,
        file,
        relativeDir: relative(checkout, dir) || '.',
      });
    if (depth >= MAX_DEPTH) return;
    for (const entry of readdirSync(dir).sort()) {
      if (entry.startsWith('.')) continue;
      const child = join(dir, entry);
      if (statSync(child).isDirectory()) visit(child, depth + 1);
    }
  };
  visit(root, 0);
  return found;
}

/** Compose's own rule: lower case, only [a-z0-9_-]. */
function projectName(folder: string): string {
  return folder.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}
