import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * dockerode requires, at load, the clients for two features Tidewatch never uses: `ssh2` (its own
 * client for `ssh://` engines; Tidewatch reaches those through the `ssh` binary instead, as the
 * docker CLI does: ssh-stream.ts) through docker-modem, and `@grpc/grpc-js` with `@grpc/proto-loader` (BuildKit sessions, for image
 * builds) through its session module. Together they are about 12 MB resident and 150 ms of every
 * start (docs/performance.md). Imported before dockerode, this module puts a stand-in for each in
 * the require cache, so dockerode loads without them; a stand-in that is ever used throws a line
 * naming the feature instead of failing somewhere inside dockerode.
 */
const require = createRequire(import.meta.url);
const dockerodeDir = dirname(require.resolve('dockerode'));
const modemDir = dirname(require.resolve('docker-modem', { paths: [dockerodeDir] }));

function unsupported(feature: string): never {
  throw new Error(`${feature} is not supported by Tidewatch (its client is not loaded)`);
}

/** An object whose every property read throws: what a caller of the skipped module would meet. */
function standIn(feature: string): object {
  return new Proxy(
    {},
    { get: (_target, property) => (property === '__esModule' ? false : unsupported(feature)) },
  );
}

function preload(name: string, fromDir: string, exports: object): void {
  let file: string;
  try {
    file = require.resolve(name, { paths: [fromDir] });
  } catch {
    // Not installed where dockerode looks (another dockerode version): nothing to skip.
    return;
  }
  if (require.cache[file] !== undefined) return;
  const module = new Module(file);
  module.filename = file;
  module.exports = exports;
  module.loaded = true;
  require.cache[file] = module;
}

// docker-modem reads `require('ssh2').Client` at load, so ssh2's stand-in has a Client to read.
preload('ssh2', modemDir, {
  Client: class {
    constructor() {
      unsupported("dockerode's ssh2 client (ssh:// engines go through the ssh binary)");
    }
  },
});
preload('@grpc/grpc-js', dockerodeDir, standIn('a BuildKit session'));
preload('@grpc/proto-loader', dockerodeDir, standIn('a BuildKit session'));
