import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Logger } from '../log/index.js';

/**
 * dist/ui, built by `npm run build` (vite). The same path from src/api (tests) and dist/api (the
 * built daemon): both are two levels under the package root.
 */
const UI_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

interface File {
  readonly body: Buffer;
  readonly type: string;
}

/**
 * Serves the dashboard at `/`: index.html and its hashed assets, read once at start (a few tens
 * of kB). When the UI was not built, `/` says so instead of failing.
 */
export function serveDashboard(app: Hono, logger: Logger, dir = UI_DIR): void {
  const files = readUi(dir);
  const index = files.get('index.html');
  if (index === undefined) {
    logger.debug({ dir }, 'no built dashboard; `/` answers 404');
  }
  const headers = (file: File, cache: string): Record<string, string> => ({
    'Content-Type': file.type,
    'Cache-Control': cache,
    // Content-Security-Policy and the other protective headers: hardening.ts, on every answer.
  });
  app.get('/', (c) => {
    if (index === undefined) {
      return c.json(
        { error: { code: 'not-found', message: 'the dashboard is not built (npm run build)' } },
        404,
      );
    }
    return c.body(new Uint8Array(index.body), 200, headers(index, 'no-cache'));
  });
  app.get('/assets/:file', (c) => {
    const file = files.get(`assets/${c.req.param('file')}`);
    if (file === undefined) {
      return c.json({ error: { code: 'not-found', message: `nothing is served on ${c.req.path}` } }, 404);
    }
    // Vite names assets by their content hash: a new build is a new name.
    return c.body(new Uint8Array(file.body), 200, headers(file, 'public, max-age=31536000, immutable'));
  });
}

function readUi(dir: string): Map<string, File> {
  const files = new Map<string, File>();
  if (!existsSync(join(dir, 'index.html'))) return files;
  const add = (name: string): void => {
    files.set(name, {
      body: readFileSync(join(dir, name)),
      type: TYPES[extname(name)] ?? 'application/octet-stream',
    });
  };
  add('index.html');
  const assets = join(dir, 'assets');
  if (existsSync(assets)) for (const name of readdirSync(assets)) add(`assets/${name}`);
  return files;
}
