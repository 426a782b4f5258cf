import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Engine API calls by kind, as the counting proxy saw them go by. */
export interface EngineCalls {
  readonly total: number;
  /** GET /containers/{id}/json: one container inspected. */
  readonly containerInspects: number;
  /** GET /containers/json. */
  readonly containerLists: number;
  /** GET /images/{id}/json. */
  readonly imageInspects: number;
  /** Everything else, by `METHOD /path` with ids replaced. */
  readonly other: Readonly<Record<string, number>>;
}

export interface EngineProxy {
  /** DOCKER_HOST for the process under test. */
  readonly dockerHost: string;
  /** Calls counted since the start (snapshot). */
  calls(): EngineCalls;
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.[01]\r?$/;

/** `/v1.41/containers/abc…/json?x` → `/containers/{id}/json` */
function normalize(path: string): string {
  const bare = (path.split('?')[0] ?? '').replace(/^\/v\d+\.\d+/, '');
  return bare.replace(/^\/(containers|images|networks|exec|volumes)\/(?!json$)[^/]+/, '/$1/{id}');
}

/**
 * A unix socket in front of the engine's that counts the HTTP requests going through it, so a
 * benchmark counts exactly what the Tidewatch process asks the engine, whatever code path asks.
 * It reads only request lines from the client's side of each connection (keep-alive included).
 */
export async function startEngineProxy(socketPath = '/var/run/docker.sock'): Promise<EngineProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-proxy-'));
  const path = join(dir, 'engine.sock');
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(socketPath);
    sockets.add(client).add(upstream);
    let partial = '';
    client.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('latin1')).split('\n');
      partial = (lines.pop() ?? '').slice(-4096);
      for (const line of lines) {
        const match = REQUEST_LINE.exec(line);
        if (match === null) continue;
        const key = `${match[1]} ${normalize(match[2] ?? '')}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    });
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    dockerHost: `unix://${path}`,
    calls: () => {
      const get = (key: string): number => counts.get(key) ?? 0;
      const named = new Set(['GET /containers/{id}/json', 'GET /containers/json', 'GET /images/{id}/json']);
      const other = Object.fromEntries([...counts].filter(([key]) => !named.has(key)));
      return {
        total: [...counts.values()].reduce((sum, count) => sum + count, 0),
        containerInspects: get('GET /containers/{id}/json'),
        containerLists: get('GET /containers/json'),
        imageInspects: get('GET /images/{id}/json'),
        other,
      };
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The calls made between two snapshots. */
export function callsBetween(before: EngineCalls, after: EngineCalls): EngineCalls {
  const other: Record<string, number> = {};
  for (const [key, count] of Object.entries(after.other)) {
    const delta = count - (before.other[key] ?? 0);
    if (delta > 0) other[key] = delta;
  }
  return {
    total: after.total - before.total,
    containerInspects: after.containerInspects - before.containerInspects,
    containerLists: after.containerLists - before.containerLists,
    imageInspects: after.imageInspects - before.imageInspects,
    other,
  };
}
