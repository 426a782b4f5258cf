import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { TidewatchError, describeError } from '../domain/errors.js';
import type { Logger } from '../log/index.js';
import type { ApiDaemon } from './context.js';
import { createApi, type ApiOptions } from './create-api.js';

/** What `run` gets back: the address it listens on, and how to stop it. */
export interface ApiService {
  /** `http://127.0.0.1:8080`; undefined with --http-addr off. */
  readonly url: string | undefined;
  stop(): Promise<void>;
}

const CLOSE_GRACE_MS = 2000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
// Shorter than this, a token is guessable; Watchtower's examples used short ones, so warn only.
const SHORT_TOKEN = 16;

/** `host:port` → its parts; an empty host (`:8080`) means every interface. */
export function parseHttpAddr(addr: string): { host: string | undefined; port: number } {
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? undefined : host, port: Number(addr.slice(colon + 1)) };
}

/**
 * A ServiceStarter for `tidewatch run`: serves the API on --http-addr until the daemon stops.
 * A port that cannot be bound fails the start (run exits 1 with the reason): a daemon that was
 * asked for an API and silently has none would leave webhooks and CI failing unnoticed.
 */
export async function startApi(daemon: ApiDaemon, options: ApiOptions = {}): Promise<ApiService> {
  const { settings, logger } = daemon.deps;
  if (settings.httpAddr === 'off') {
    logger.info('the HTTP API is off (--http-addr off)');
    return { url: undefined, stop: () => Promise.resolve() };
  }
  const { host, port } = parseHttpAddr(settings.httpAddr);
  const api = createApi(daemon, options);
  const server = createAdaptorServer({ fetch: api.app.fetch }) as Server;
  try {
    await listen(server, host, port);
  } catch (error) {
    api.close();
    throw new TidewatchError(
      'http-listen-failed',
      `cannot serve the API on ${settings.httpAddr}: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shown}:${address.port}`;
  logger.info({ url }, 'api listening');
  warnAboutAccess(logger, settings, host);
  return {
    url,
    stop: async () => {
      api.close();
      await close(server);
    },
  };
}

function warnAboutAccess(
  logger: Logger,
  settings: { readonly apiToken?: string | undefined; readonly webhookSecret?: string | undefined },
  host: string | undefined,
): void {
  if (settings.apiToken === undefined) {
    logger.warn(
      'no API token (--api-token or TIDEWATCH_API_TOKEN): routes that change anything (check, update, rollback, /v1/update) are not served',
    );
    if (host === undefined || !LOOPBACK.has(host)) {
      logger.warn(
        { host: host ?? '*' },
        'without a token, containers and history are readable by anyone who reaches this address',
      );
    }
  } else if (settings.apiToken.length < SHORT_TOKEN) {
    logger.warn(`the API token is shorter than ${SHORT_TOKEN} characters; a longer random one is safer`);
  }
  if (settings.webhookSecret === undefined && settings.apiToken === undefined) {
    logger.info('no webhook secret (--webhook-secret or --api-token): webhooks are not served');
  }
}

function listen(server: Server, host: string | undefined, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ port, ...(host !== undefined && { host }) }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Stops accepting, lets answers being written finish (briefly), then cuts what is left. Idle
 * keep-alive connections are closed as they become idle (a live stream's ends just after stop).
 */
function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
