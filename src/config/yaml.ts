import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

/**
 * The yaml library, loaded on first use. Only --config, compose projects and `config print` read
 * or write YAML; a daemon without them never pays for the parser (about 9 MB and 70 ms at start).
 * Synchronous, so the callers that parse stay synchronous.
 */
const require = createRequire(import.meta.url);

export function yaml(): typeof Yaml {
  return require('yaml') as typeof Yaml;
}
