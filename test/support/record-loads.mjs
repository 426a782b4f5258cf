// Preloaded with `node --import` by test/integration/startup-modules.test.ts: writes every module
// the process loads to TIDEWATCH_TEST_LOADS_FILE, one path or URL per line. ES modules through a
// resolve hook (src/engine and the lazy imports use both kinds); CommonJS ones from the require
// cache at exit, leaving out the stand-ins src/engine puts there (never loaded from a file, they
// have no module search paths).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import process from 'node:process';

const out = process.env.TIDEWATCH_TEST_LOADS_FILE ?? '';
register('./record-loads-hooks.mjs', import.meta.url, { data: { out } });
process.on('exit', () => {
  const loaded = Object.entries(createRequire(import.meta.url).cache)
    .filter(([, module]) => module?.paths !== undefined)
    .map(([file]) => file);
  appendFileSync(out, `${loaded.join('\n')}\n`);
});
