// The esbuild plugins scripts/bundle.js builds with: each leaves out of the bundle what Tidewatch
// never runs.
import { dirname, join } from 'node:path';

/**
 * zod exports its error messages in 60 languages (`z.locales`), all of them reached from `import { z }`
 * and so all bundled: 296 KB of the bundle's source, which V8 reads, pre-parses and keeps at every
 * start. Tidewatch only ever speaks English (zod's default, which its schemas import on their own):
 * in the bundle `z.locales` holds `en` alone.
 */
export const englishOnlyZod = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

// dockerode requires, at load, the clients of two features Tidewatch never uses: `ssh2` (its own
// client for ssh:// engines, required by docker-modem; Tidewatch reaches those through the `ssh`
// binary, as the docker CLI does: src/engine/ssh-stream.ts), and `@grpc/grpc-js`, `@grpc/proto-loader`
// and `protobufjs` (BuildKit sessions and build progress). Together they are about 12 MB resident
// and 150 ms of every start (docs/performance.md). The bundle gets a stand-in for each instead,
// decided here at build time: nothing at run time touches Node's module loader, and the container
// image carries none of them. A stand-in that is ever used throws a line naming the feature instead
// of failing somewhere inside dockerode.

const STAND_INS = {
  // docker-modem reads `require('ssh2').Client` at load, so the stand-in has a Client to read.
  ssh2: `module.exports = { Client: class { constructor() { unsupported("dockerode's ssh2 client (ssh:// engines go through the ssh binary)"); } } };`,
  '@grpc/grpc-js': `module.exports = throwingOnUse('a BuildKit session');`,
  '@grpc/proto-loader': `module.exports = throwingOnUse('a BuildKit session');`,
  // dockerode's buildkit.js, for BuildKit's build progress.
  protobufjs: `module.exports = throwingOnUse('a BuildKit build');`,
};

const HELPERS = `
function unsupported(feature) { throw new Error(feature + ' is not supported by Tidewatch (its client is not bundled)'); }
function throwingOnUse(feature) {
  return new Proxy({}, { get: (_target, property) => (property === '__esModule' ? false : unsupported(feature)) });
}
`;

/** The names dockerode and docker-modem require that the bundle replaces. */
const UNUSED_CLIENTS = Object.keys(STAND_INS);

/** An esbuild plugin: `require('ssh2')` (and the others) inside the bundle load the stand-ins. */
export const unusedDockerodeClients = {
  name: 'unused-dockerode-clients',
  setup(build) {
    const names = new RegExp(`^(${UNUSED_CLIENTS.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter: names }, (args) => ({ path: args.path, namespace: 'unused-client' }));
    build.onLoad({ filter: /.*/, namespace: 'unused-client' }, (args) => ({
      contents: HELPERS + STAND_INS[args.path],
      loader: 'js',
    }));
  },
};
