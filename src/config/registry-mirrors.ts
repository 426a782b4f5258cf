import { TidewatchError } from '../domain/errors.js';

/**
 * `--registry-mirror` entries, as dockerd's `registry-mirrors` takes them: `http://host[:port]` or
 * `https://host[:port]`, for Docker Hub only. Each is returned as its origin (`https://mirror:5000`,
 * no trailing slash). Like dockerd, a path, query, fragment or user part is refused: a mirror is
 * a whole registry API at its root. A bad entry throws one line naming `source` and the entry.
 */
export function parseRegistryMirrors(entries: readonly string[], source: string): string[] {
  const mirrors: string[] = [];
  for (const entry of entries.map((text) => text.trim()).filter(Boolean)) {
    const mirror = parseMirror(entry, source);
    if (!mirrors.includes(mirror)) mirrors.push(mirror);
  }
  return mirrors;
}

function parseMirror(entry: string, source: string): string {
  const bad = (why: string): TidewatchError =>
    new TidewatchError('invalid-config', `${source}: ${entry} is not a registry mirror: ${why}`);
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw bad('expected http://host[:port] or https://host[:port]');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('the scheme must be http or https');
  if (url.username !== '' || url.password !== '') throw bad('credentials belong in config.json, not the URL');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw bad('a mirror has no path, query or fragment');
  }
  return url.origin;
}
