import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/image-base.js';
import { haproxyCommand } from '../../src/proxy/index.js';

/**
 * Debian's nginx, caddy and haproxy, each started by a test on a loopback port with a folder of its
 * own (never the system's instance or config), proxying to one container address. `labels` are
 * what the container needs for Tidewatch to switch this proxy; `target` reads back where the proxy
 * sends requests now, from the proxy itself.
 */
export interface LabProxy {
  readonly driver: 'nginx' | 'caddy' | 'haproxy';
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  labels(port: number): Record<string, string>;
  target(): Promise<string>;
  stop(): Promise<void>;
}

async function waitForPort(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the proxy exited ${child.exitCode}: ${log()}`);
    const answered = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      () => true,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the proxy did not answer at ${url} within 20s: ${log()}`);
}

function launch(command: string, args: string[], dir: string): { child: ChildProcess; log: () => string } {
  const logFile = join(dir, 'proxy.log');
  let output = '';
  const child = spawn(command, args, {
    cwd: dir,
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const log = (): string => {
    let file = '';
    try {
      file = readFileSync(logFile, 'utf8');
    } catch {
      /* none yet */
    }
    return `${output}${file}`.slice(-2000);
  };
  return { child, log };
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}

async function nginx(): Promise<PlannedProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-nginx-'));
  const port = await freePort();
  const upstream = join(dir, 'upstream.conf');
  const base = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', `${dir}/proxy.log`];
  const labels = (backendPort: number): Record<string, string> => ({
    'tidewatch.proxy': 'nginx',
    'tidewatch.proxy.port': String(backendPort),
    'tidewatch.proxy.upstream': upstream,
    'tidewatch.proxy.reload': `nginx ${base.join(' ')} -s reload`,
  });
  return { labels, start: (backend) => startNginx(dir, port, upstream, base, backend, labels) };
}

async function startNginx(
  dir: string,
  port: number,
  upstream: string,
  base: string[],
  backend: string,
  labels: (port: number) => Record<string, string>,
): Promise<LabProxy> {
  writeFileSync(upstream, `server ${backend};\n`);
  for (const temp of ['body', 'proxy']) mkdirSync(join(dir, temp));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'daemon off;',
      'user root;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/proxy.log warn;`,
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${dir}/body;`,
      `  proxy_temp_path ${dir}/proxy;`,
      `  upstream app { include ${upstream}; }`,
      `  server { listen 127.0.0.1:${port}; location / { proxy_pass http://app; proxy_read_timeout 120s; } }`,
      '}',
      '',
    ].join('\n'),
  );
  const { child, log } = launch('nginx', base, dir);
  const url = `http://127.0.0.1:${port}/`;
  await waitForPort(url, child, log);
  return {
    driver: 'nginx',
    url,
    labels,
    target: () => Promise.resolve(/server ([^;]+);/.exec(readFileSync(upstream, 'utf8'))?.[1] ?? ''),
    stop: () => stopChild(child, dir),
  };
}

async function caddy(): Promise<PlannedProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-caddy-'));
  const [port, adminPort] = [await freePort(), await freePort()];
  const admin = `http://127.0.0.1:${adminPort}`;
  const labels = (backendPort: number): Record<string, string> => ({
    'tidewatch.proxy': 'caddy',
    'tidewatch.proxy.port': String(backendPort),
    'tidewatch.proxy.admin': admin,
    'tidewatch.proxy.upstream': 'app',
  });
  return { labels, start: (backend) => startCaddy(dir, port, adminPort, backend, labels) };
}

async function startCaddy(
  dir: string,
  port: number,
  adminPort: number,
  backend: string,
  labels: (port: number) => Record<string, string>,
): Promise<LabProxy> {
  const admin = `http://127.0.0.1:${adminPort}`;
  const config = {
    admin: { listen: `127.0.0.1:${adminPort}` },
    logging: { logs: { default: { level: 'ERROR' } } },
    storage: { module: 'file_system', root: dir },
    apps: {
      http: {
        servers: {
          app: {
            listen: [`127.0.0.1:${port}`],
            automatic_https: { disable: true },
            routes: [
              { handle: [{ handler: 'reverse_proxy', '@id': 'app', upstreams: [{ dial: backend }] }] },
            ],
          },
        },
      },
    },
  };
  const file = join(dir, 'caddy.json');
  writeFileSync(file, JSON.stringify(config));
  const { child, log } = launch('caddy', ['run', '--config', file], dir);
  const url = `http://127.0.0.1:${port}/`;
  await waitForPort(url, child, log);
  return {
    driver: 'caddy',
    url,
    labels,
    target: async () => {
      const upstreams = (await (await fetch(`${admin}/id/app/upstreams`)).json()) as Array<{ dial: string }>;
      return upstreams.map((upstream) => upstream.dial).join(',');
    },
    stop: () => stopChild(child, dir),
  };
}

async function haproxy(): Promise<PlannedProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-haproxy-'));
  const port = await freePort();
  const socket = join(dir, 'admin.sock');
  const labels = (backendPort: number): Record<string, string> => ({
    'tidewatch.proxy': 'haproxy',
    'tidewatch.proxy.port': String(backendPort),
    'tidewatch.proxy.admin': `unix:${socket}`,
    'tidewatch.proxy.upstream': 'app/web',
  });
  return { labels, start: (backend) => startHaproxy(dir, port, socket, backend, labels) };
}

async function startHaproxy(
  dir: string,
  port: number,
  socket: string,
  backend: string,
  labels: (port: number) => Record<string, string>,
): Promise<LabProxy> {
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(
    file,
    [
      'global',
      `  stats socket ${socket} mode 600 level admin`,
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 120s',
      '  timeout server 120s',
      'frontend web',
      `  bind 127.0.0.1:${port}`,
      '  default_backend app',
      'backend app',
      `  server web ${backend}`,
      '',
    ].join('\n'),
  );
  const { child, log } = launch('haproxy', ['-db', '-f', file], dir);
  const url = `http://127.0.0.1:${port}/`;
  await waitForPort(url, child, log);
  const admin = `unix:${socket}`;
  return {
    driver: 'haproxy',
    url,
    labels,
    target: async () => {
      // `show servers state app`: a version line, a header, then one line per server: ... srv_addr is the 5th field.
      const state = await haproxyCommand(admin, 'show servers state app');
      const row = state.split('\n').find((line) => /^\d+ app \d+ web /.test(line));
      const fields = row?.split(' ') ?? [];
      return `${fields[4] ?? '?'}:${fields[18] ?? '?'}`;
    },
    stop: () => stopChild(child, dir),
  };
}

/** A proxy whose ports and files are chosen (so its labels are known) but which is not running yet. */
export interface PlannedProxy {
  labels(port: number): Record<string, string>;
  start(backend: string): Promise<LabProxy>;
}

export const PROXIES = { nginx, caddy, haproxy } as const;
