import { readFileSync } from 'node:fs';

/** Tidewatch's version, from package.json one level above both src/ and dist/ (read once, at load). */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
