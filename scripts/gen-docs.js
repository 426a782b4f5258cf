// Writes docs/configuration.md from the code (src/config/reference.ts, built into dist/), and the
// table of Watchtower's arguments in docs/migrating-from-watchtower.md from Watchtower's own page
// (test/fixtures/watchtower/arguments.md) and src/config/watchtower-compat.ts, through prettier so
// the files pass `prettier --check`. Run it with `npm run docs`, which builds first;
// test/unit/docs-reference.test.ts and test/unit/watchtower-compat.test.ts fail when the committed
// files differ from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { renderConfigurationReference } from '../dist/config/reference.js';
import { parseWatchtowerArguments } from '../dist/config/watchtower-arguments.js';
import { renderWatchtowerTable, withWatchtowerTable } from '../dist/config/watchtower-compat.js';

async function write(target, text) {
  const options = (await prettier.resolveConfig(target)) ?? {};
  writeFileSync(target, await prettier.format(text, { ...options, parser: 'markdown' }));
  process.stdout.write(`wrote ${target}\n`);
}

const path = (relative) => fileURLToPath(new URL(relative, import.meta.url));

await write(path('../docs/configuration.md'), renderConfigurationReference());
const guide = path('../docs/migrating-from-watchtower.md');
const table = renderWatchtowerTable(
  parseWatchtowerArguments(readFileSync(path('../test/fixtures/watchtower/arguments.md'), 'utf8')),
);
await write(guide, withWatchtowerTable(readFileSync(guide, 'utf8'), table));
