import { closeSync, openSync, readSync } from 'node:fs';

/** One request the registry answered, as its access log recorded it. */
export interface RegistryRequest {
  method: string;
  /** The request URI as sent: path plus query string, if any. */
  path: string;
  status: number;
  /** The client's User-Agent header ('' when it sent none). */
  userAgent: string;
}

// Combined log format: 127.0.0.1 - - [23/Nov/2026:13:47:07 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"
const ACCESS_LINE = /^\S+ \S+ \S+ \[[^\]]*\] "(\S+) (\S+) [^"]*" (\d{3})(?: \S+ "[^"]*" "([^"]*)")?/;

export function parseAccessLine(line: string): RegistryRequest | undefined {
  const match = ACCESS_LINE.exec(line);
  if (match === null) return undefined;
  const [, method = '', path = '', status = '0', userAgent = ''] = match;
  return { method, path, status: Number(status), userAgent };
}

const MANIFEST_PATH = /^\/v2\/(.+)\/manifests\/[^/?]+(?:\?.*)?$/;

/** Requests on `/v2/<repo>/manifests/<reference>`, for any repository or just `repo`. */
export function isManifestRequest(request: RegistryRequest, repo?: string): boolean {
  const match = MANIFEST_PATH.exec(request.path);
  return match !== null && (repo === undefined || match[1] === repo);
}

/** Reads a growing log file synchronously, handing complete lines to `onLine`. */
export interface LogFollower {
  /** Reads whatever was appended since the last call; never blocks. */
  drain(): void;
  close(): void;
}

export function followLogFile(path: string, onLine: (line: string) => void): LogFollower {
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(64 * 1024);
  let position = 0;
  let partial = '';
  let closed = false;
  return {
    drain: () => {
      if (closed) return;
      for (;;) {
        const read = readSync(fd, chunk, 0, chunk.length, position);
        if (read === 0) break;
        position += read;
        const lines = (partial + chunk.toString('utf8', 0, read)).split('\n');
        partial = lines.pop() ?? ''; // the registry may be mid-line: keep it for the next drain
        for (const line of lines) onLine(line);
      }
    },
    close: () => {
      if (!closed) closeSync(fd);
      closed = true;
    },
  };
}
