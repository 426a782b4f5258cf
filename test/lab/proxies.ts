import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { haproxyCommand } from '../../src/proxy/index.js';

/**
 * Debian's nginx, caddy and haproxy, each started by a test on a loopback port with a folder of its
 * own (never the system's instance or config), proxying to one container address. `target` reads
 * back where the proxy sends requests now, from the proxy itself.
 */
export interface LabProxy {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  target(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A proxy whose folder and ports are chosen, so the labels a container needs for Tidewatch to
 * switch it are known before the container (and so the proxy's backend address) exists.
 */
export interface PlannedProxy {
  labels(port: number): Record<string, string>;
  start(backend: string): Promise<LabProxy>;
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

/** Starts the proxy's process in its folder and waits until it answers on `port`. */
async function runProxy(
  dir: string,
  port: number,
  command: readonly string[],
  target: () => Promise<string>,
): Promise<LabProxy> {
  const [program = '', ...args] = command;
  const { child, log } = launch(program, args, dir);
  const url = `http://127.0.0.1:${port}/`;
  await waitForPort(url, child, log);
  return { url, target, stop: () => stopChild(child, dir) };
}

/** nginx: an upstream file Tidewatch rewrites, included in the `upstream` block, and a reload. */
async function nginx(): Promise<PlannedProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-nginx-'));
  const port = await freePort();
  const upstream = join(dir, 'upstream.conf');
  const base = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', `${dir}/proxy.log`];
  const start = (backend: string): Promise<LabProxy> => {
    writeFileSync(upstream, `server ${backend};\n`);
    for (const temp of ['body', 'proxy']) mkdirSync(join(dir, temp));
    writeFileSync(
      join(dir, 'nginx.conf'),
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
    const target = (): Promise<string> =>
      Promise.resolve(/server ([^;]+);/.exec(readFileSync(upstream, 'utf8'))?.[1] ?? '');
    return runProxy(dir, port, ['nginx', ...base], target);
  };
  return {
    labels: (backendPort) => ({
      'tidewatch.proxy': 'nginx',
      'tidewatch.proxy.port': String(backendPort),
      'tidewatch.proxy.upstream': upstream,
      'tidewatch.proxy.reload': `nginx ${base.join(' ')} -s reload`,
    }),
    start,
  };
}

/**
 * Caddy changes its configuration by opening a new SO_REUSEPORT listener and closing the old one;
 * without this kernel setting the connections queued on the old one are reset (docs/proxy-switch.md).
 * scripts/lab.sh sets it; a lab without it fails here, not as a rare lost request.
 */
function assertQueuedConnectionsMigrate(): void {
  const knob = '/proc/sys/net/ipv4/tcp_migrate_req';
  const value = readFileSync(knob, 'utf8').trim();
  if (value !== '1') throw new Error(`${knob} is ${value}: run scripts/lab.sh as root (it sets 1)`);
}

/** Caddy: a reverse_proxy handler with an `@id`, switched through the admin API. */
async function caddy(): Promise<PlannedProxy> {
  assertQueuedConnectionsMigrate();
  const dir = mkdtempSync(join(tmpdir(), 'tw-caddy-'));
  const [port, adminPort] = [await freePort(), await freePort()];
  const admin = `http://127.0.0.1:${adminPort}`;
  const start = (backend: string): Promise<LabProxy> => {
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
    const target = async (): Promise<string> => {
      const upstreams = (await (await fetch(`${admin}/id/app/upstreams`)).json()) as Array<{ dial: string }>;
      return upstreams.map((upstream) => upstream.dial).join(',');
    };
    return runProxy(dir, port, ['caddy', 'run', '--config', file], target);
  };
  return {
    labels: (backendPort) => ({
      'tidewatch.proxy': 'caddy',
      'tidewatch.proxy.port': String(backendPort),
      'tidewatch.proxy.admin': admin,
      'tidewatch.proxy.upstream': 'app',
    }),
    start,
  };
}

/** HAProxy: one server slot, switched through the runtime API on a unix socket. */
async function haproxy(): Promise<PlannedProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-haproxy-'));
  const port = await freePort();
  const admin = `unix:${join(dir, 'admin.sock')}`;
  const start = (backend: string): Promise<LabProxy> => {
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(
      file,
      [
        'global',
        `  stats socket ${join(dir, 'admin.sock')} mode 600 level admin`,
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
    const target = async (): Promise<string> => {
      // `show servers state app`: a version line, a header, then one line per server; srv_addr is
      // the 5th field and srv_port the 19th.
      const state = await haproxyCommand(admin, 'show servers state app');
      const fields =
        state
          .split('\n')
          .find((line) => /^\d+ app \d+ web /.test(line))
          ?.split(' ') ?? [];
      return `${fields[4] ?? '?'}:${fields[18] ?? '?'}`;
    };
    return runProxy(dir, port, ['haproxy', '-db', '-f', file], target);
  };
  return {
    labels: (backendPort) => ({
      'tidewatch.proxy': 'haproxy',
      'tidewatch.proxy.port': String(backendPort),
      'tidewatch.proxy.admin': admin,
      'tidewatch.proxy.upstream': 'app/web',
    }),
    start,
  };
}

export const PROXIES = { nginx, caddy, haproxy } as const;
