// Preloaded with `node --enable-source-maps --import` by test/integration/compile-cache.test.ts:
// at exit, writes to stderr which source file Node maps a position of the bundle to
// (TIDEWATCH_TEST_MAP_FILE, TIDEWATCH_TEST_MAP_LINE and _COLUMN, zero-based), or that it has no map.
import { findSourceMap } from 'node:module';
import process from 'node:process';

process.on('exit', () => {
  const map = findSourceMap(process.env.TIDEWATCH_TEST_MAP_FILE ?? '');
  const entry = map?.findEntry(
    Number(process.env.TIDEWATCH_TEST_MAP_LINE),
    Number(process.env.TIDEWATCH_TEST_MAP_COLUMN),
  );
  process.stderr.write(
    `mapped to: ${map === undefined ? 'no source map' : (entry?.originalSource ?? 'nothing')}\n`,
  );
});
