// Bundles the compiled daemon (dist/main.js and everything it imports) into one ES module,
// dist/bundle/tidewatch.js: what bin/tidewatch.js, the container image and the tests run. Node 20
// has no compile cache, and resolving, reading and compiling about 650 files (350 of them
// Tidewatch's own) was most of the start-up; the bundle loads 18 files. docs/performance.md has
// the measured difference.
// `npm run build` runs this after tsc.
//
// Left outside the bundle, loaded from node_modules when needed or never: scripts/bundle-externals.js
// says which and why (the container image carries only those: scripts/runtime-modules.js).
// dist/bundle/ sits one folder deep in dist/ like every compiled module, so the paths they build
// from import.meta.url (../../package.json, ../../dist/ui/) hold in the bundle too.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import { LOADED } from './bundle-externals.js';
import { englishOnlyZod, unusedDockerodeClients } from './bundle-plugins.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: ['dist/main.js'],
  outfile: 'dist/bundle/tidewatch.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
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
  // The CommonJS dependencies inside an ES module still call require (and the externals above are
  // reached through it): give the bundle one, resolving from its own folder.
  banner: {
    js: "import { createRequire as __tidewatchCreateRequire } from 'node:module';\nconst require = __tidewatchCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  metafile: true,
  plugins: [englishOnlyZod, unusedDockerodeClients],
});
// What went into the bundle, file by file: test/integration/startup-modules.test.ts reads it.
writeFileSync(
  new URL('../dist/bundle/inputs.json', import.meta.url),
  JSON.stringify(Object.keys(metafile.inputs)),
);
