// Writes docs/configuration.md from the code (src/config/reference.ts, built into dist/), through
// prettier so the file passes `prettier --check`. Run it with `npm run docs`, which builds first;
// test/unit/docs-reference.test.ts fails when the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { renderConfigurationReference } from '../dist/config/reference.js';

const target = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
const options = (await prettier.resolveConfig(target)) ?? {};
const text = await prettier.format(renderConfigurationReference(), { ...options, parser: 'markdown' });
writeFileSync(target, text);
process.stdout.write(`wrote ${target}\n`);
