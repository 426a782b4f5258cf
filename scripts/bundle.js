// Bundles the compiled daemon (dist/main.js and everything it imports) into one CommonJS file,
// dist/bundle/tidewatch-main.cjs, and its loader (dist/boot/entry.js) into dist/bundle/tidewatch.js:
// what bin/tidewatch.js, the container image and the tests run. Node 20 has no compile cache, and
// resolving, reading and compiling about 650 files (350 of them Tidewatch's own) was most of the
// start-up; the bundle loads 18 files, and the loader compiles it with V8's code cache
// (src/boot/run-bundle.ts). docs/performance.md has the measured differences.
// `npm run build` runs this after tsc.
//
// Left outside the bundle, loaded from node_modules when needed or never: scripts/bundle-externals.js
// says which and why (the container image carries only those: scripts/runtime-modules.js).
// dist/bundle/ sits one folder deep in dist/ like every compiled module, so the paths they build
// from import.meta.url (../../package.json, ../../dist/ui/) hold in the bundle too.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import { LOADED } from './bundle-externals.js';
import { englishOnlyZod, unusedDockerodeClients } from './bundle-plugins.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const MAIN = 'dist/bundle/tidewatch-main.cjs';

const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: ['dist/main.js'],
  outfile: MAIN,
  bundle: true,
  platform: 'node',
  // CommonJS, because V8's code cache is offered (through vm.Script) for scripts, not ES modules.
  format: 'cjs',
  target: 'node20',
  // No comments nor white space: about 30 ms less to read and compile at every start, and pure
  // ASCII, which V8 keeps as a one-byte string (it holds a module's source for as long as the
  // process runs; with the comments' few non-ASCII characters it was 5 MB of two-byte string).
  // Names are kept, so stack traces still say which function; the source map gives the lines.
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: false,
  charset: 'ascii',
  sourcemap: 'linked',
  sourcesContent: false,
  external: LOADED,
  // The modules' own file URL, which they resolve package.json and the dashboard from.
  define: { 'import.meta.url': '__tidewatchMetaUrl' },
  banner: { js: "const __tidewatchMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  metafile: true,
  plugins: [englishOnlyZod, unusedDockerodeClients],
});

// Code compiled by vm cannot import() without an experimental flag: the optional packages' import()
// goes to the loader's (src/boot/run-bundle.ts). Any other import() left would fail at run time.
const source = readFileSync(new URL(`../${MAIN}`, import.meta.url), 'latin1').replace(
  /\bimport\("([^"]+)"\)/g,
  (call, name) => (isExternal(name) ? `__tidewatchImport("${name}")` : call),
);
const stray = /\bimport\(/.exec(source.replaceAll('__tidewatchImport(', ''));
if (stray !== null)
  throw new Error(
    `bundle.js: an import() the loader cannot serve: ${source.slice(stray.index, stray.index + 60)}`,
  );
writeFileSync(new URL(`../${MAIN}`, import.meta.url), source, 'latin1');
// The compile cache's key (src/boot/compile-cache.ts).
writeFileSync(
  new URL(`../${MAIN}.sha256`, import.meta.url),
  createHash('sha256').update(source).digest('hex'),
);

await build({
  absWorkingDir: root,
  entryPoints: ['dist/boot/entry.js'],
  outfile: 'dist/bundle/tidewatch.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

// The loader has no source map; one beside it is left from a build before the loader existed.
rmSync(new URL('../dist/bundle/tidewatch.js.map', import.meta.url), { force: true });

// What went into the bundle, file by file: test/integration/startup-modules.test.ts reads it.
writeFileSync(
  new URL('../dist/bundle/inputs.json', import.meta.url),
  JSON.stringify(Object.keys(metafile.inputs)),
);

function isExternal(name) {
  return LOADED.some((pattern) =>
    pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
  );
}
