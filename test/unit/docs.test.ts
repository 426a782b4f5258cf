import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/index.js';

// The README's option table is written by hand for readability; this keeps it true to the code.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(OPTIONS.map((option) => [option.key, option] as const))('documents %s', (_key, option) => {
    if (option.flag !== undefined) expect(readme).toContain(`\`--${option.flag}`);
    for (const name of option.env) expect(readme).toContain(`\`${name}\``);
  });
});
