#!/usr/bin/env node
// Copies into DEST/node_modules only the packages the bundle (scripts/bundle.js) leaves external
// and what they depend on: what the container image needs to run dist/bundle/tidewatch.js. A full
// `npm prune --omit=dev` keeps every production dependency, though most of them are inside the
// bundle already and never loaded from node_modules (about 60 of its 86 MB).
//
//   node scripts/runtime-modules.js DEST      (after `npm ci && npm run build`)
//
// Prints one JSON line: how many packages and bytes went in. The Dockerfile's build stage runs it,
// and so does test/support/image-base.ts for Dockerfile.local.
import { cpSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { INSTALL_ONLY, LOADED } from './bundle-externals.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const MODULES = join(ROOT, 'node_modules');

/** `@scope/*` → every package installed under that scope; a plain name stays as it is. */
function expand(name) {
  if (!name.endsWith('/*')) return [name];
  const scope = name.slice(0, -2);
  return readdirSync(join(MODULES, scope)).map((entry) => `${scope}/${entry}`);
}

/** Node's lookup: `name` in node_modules of `fromDir`, then of each folder above it, up to the root. */
function locate(name, fromDir) {
  for (let dir = fromDir; dir.startsWith(ROOT); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT) break;
  }
  return undefined;
}

/** The package folders `roots` need at run time: each, then its dependencies, transitively. */
export function runtimePackages() {
  const found = new Set();
  const visit = (dir) => {
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const name of Object.keys(deps)) {
      // Type declarations are for the compiler only.
      if (INSTALL_ONLY.includes(name) || name.startsWith('@types/')) continue;
      const located = locate(name, dir);
      // A missing optional dependency (another platform's binary) is not an error.
      if (located === undefined && !(name in (manifest.optionalDependencies ?? {}))) {
        throw new Error(`${relative(ROOT, dir)} depends on ${name}, which is not installed`);
      }
      if (located !== undefined) visit(located);
    }
  };
  for (const name of LOADED.flatMap(expand)) {
    const dir = locate(name, ROOT);
    if (dir === undefined) throw new Error(`${name} is not installed: run npm ci first`);
    visit(dir);
  }
  // A nested package comes along with its parent folder: keep the outermost ones only.
  return [...found].filter(
    (dir) => ![...found].some((other) => dir !== other && dir.startsWith(other + sep)),
  );
}

// better-sqlite3 needs its lib/ and the compiled module, not its 30 MB of sources and objects.
const SQLITE_BUILD_ONLY = /better-sqlite3\/(deps|src|build\/(deps|Release\/(obj|sqlite3\.a|test_extension)))/;

function size(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + size(join(path, entry)), 0);
}

/** Copies the runtime packages to DEST/node_modules; returns what went in. */
export function copyRuntimeModules(dest) {
  const packages = runtimePackages();
  for (const dir of packages) {
    cpSync(dir, join(dest, relative(ROOT, dir)), {
      recursive: true,
      filter: (source) => !SQLITE_BUILD_ONLY.test(source),
    });
  }
  return { packages: packages.length, bytes: size(join(dest, 'node_modules')) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dest = process.argv[2];
  if (dest === undefined) {
    process.stderr.write('usage: node scripts/runtime-modules.js DEST\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(copyRuntimeModules(dest))}\n`);
}
