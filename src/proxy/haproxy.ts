import { connect, type Socket } from 'node:net';
import { TidewatchError } from '../domain/errors.js';

export interface HaproxyTarget {
  readonly admin: string;
  readonly backend: string;
  readonly server: string;
}

const TIMEOUT_MS = 10_000;

function open(admin: string): Socket {
  if (admin.startsWith('unix:')) return connect({ path: admin.slice('unix:'.length) });
  const [, host = '', port = ''] = /^tcp:([^:]+):(\d+)$/.exec(admin) ?? [];
  return connect({ host, port: Number(port) });
}

/** Sends one command to HAProxy's runtime API (one command per connection) and returns its answer. */
export function haproxyCommand(admin: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = open(admin);
    let answer = '';
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000}s`)));
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', (error) =>
      reject(new TidewatchError('proxy-switch', `haproxy runtime API ${admin}: ${error.message}`)),
    );
    socket.on('close', () => resolve(answer.trim()));
  });
}

/**
 * Points one HAProxy server slot at one backend through the runtime API: its address changes and
 * it is made ready (https://docs.haproxy.org/2.6/management.html#9.3-set%20server). Connections
 * already open to the old address keep going; new ones go to the new address.
 */
export async function pointHaproxyAt(target: HaproxyTarget, address: string): Promise<void> {
  const split = /^\[?([^\]]+)\]?:(\d+)$/.exec(address);
  if (!split) throw new TidewatchError('proxy-switch', `not an address:port: ${address}`);
  const slot = `${target.backend}/${target.server}`;
  const changed = await haproxyCommand(target.admin, `set server ${slot} addr ${split[1]} port ${split[2]}`);
  // Success says "IP changed from ..." or "no need to change the addr" (and the port likewise).
  if (!/changed|no need/i.test(changed)) {
    throw new TidewatchError(
      'proxy-switch',
      `haproxy refused "set server ${slot} addr": ${changed || 'no answer'}`,
    );
  }
  const ready = await haproxyCommand(target.admin, `set server ${slot} state ready`);
  if (ready !== '')
    throw new TidewatchError('proxy-switch', `haproxy refused "set server ${slot} state ready": ${ready}`);
}
