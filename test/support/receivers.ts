import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBroker } from 'aedes';
import { SMTPServer } from 'smtp-server';
import { eventually } from './images.js';

/**
 * Local stand-ins for the services notifications go to, all on 127.0.0.1 and a port of their own:
 * an HTTP receiver that records every request, a real SMTP server (smtp-server) and a real MQTT
 * broker (aedes). No test sends anything beyond loopback.
 */

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** The body as JSON, when it is JSON. */
  readonly json: unknown;
}

export interface Reply {
  readonly status?: number;
  readonly body?: string | object;
  readonly headers?: Record<string, string>;
}

export type Responder = (request: RecordedRequest) => Reply;

export interface HttpReceiver {
  /** http://127.0.0.1:PORT (https:// for a TLS receiver). */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** How to answer from now on (default 200 "ok"). */
  respond(responder: Responder): void;
  /** Stops listening: connections are refused, as from a service that is down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Waits (bounded) until at least `count` requests arrived; returns them. */
  waitFor(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function listen(server: NetServer, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: NetServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    (server as Server).closeAllConnections?.();
    server.close(() => resolve());
  });
}

/** A self-signed certificate for 127.0.0.1 (openssl), for receivers that speak TLS. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tw-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An HTTP(S) receiver that records every request and answers as told. */
export async function startHttpReceiver(
  options: { tls?: { key: string; cert: string } } = {},
): Promise<HttpReceiver> {
  const requests: RecordedRequest[] = [];
  let responder: Responder = () => ({ status: 200, body: 'ok' });
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        json: parseJson(body),
      };
      requests.push(recorded);
      const reply = responder(recorded);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? '');
      res.writeHead(reply.status ?? 200, {
        'content-type': typeof reply.body === 'object' ? 'application/json' : 'text/plain',
        ...reply.headers,
      });
      res.end(text);
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, handle) : createHttpServer(handle);
  const port = await listen(server);
  const scheme = options.tls ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    requests,
    respond: (next) => {
      responder = next;
    },
    down: () => closeServer(server),
    up: async () => {
      await listen(server, port);
    },
    waitFor: async (count, timeoutMs = 15_000) =>
      eventually(
        () => requests,
        (seen) => seen.length >= count,
        timeoutMs,
      ),
    close: () => closeServer(server),
  };
}

export interface ReceivedMail {
  readonly from: string | undefined;
  readonly to: string[];
  readonly user: string | undefined;
  readonly secure: boolean;
  readonly raw: string;
  /** The decoded Subject header. */
  readonly subject: string;
  /** The decoded text body (quoted-printable or base64 undone). */
  readonly text: string;
}

export interface SmtpReceiver {
  readonly port: number;
  readonly mails: ReceivedMail[];
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function decodeSubject(raw: string): string {
  const header = /^Subject: (.*(?:\r\n[ \t].*)*)/im.exec(raw)?.[1] ?? '';
  return header
    .replace(/\r\n[ \t]/g, ' ')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_match, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, '%$1'), 'utf8')
            .toString()
            .replace(/%([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    )
    .replace(/\?=\s+=\?/g, '');
}

function decodeBody(raw: string): string {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const encoding = /^Content-Transfer-Encoding: (\S+)/im.exec(head)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return body.replace(/\r\n/g, '\n');
  const bytes = body
    .replace(/=\r?\n/g, '')
    .split(/(=[0-9A-F]{2})/i)
    .map((part) =>
      /^=[0-9A-F]{2}$/i.test(part) ? Buffer.from([Number.parseInt(part.slice(1), 16)]) : Buffer.from(part),
    );
  return Buffer.concat(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

/**
 * A real SMTP server. `users`: accepted logins (any other is refused); none: no authentication.
 * `tls`: offer STARTTLS with this certificate; otherwise STARTTLS is not offered.
 */
export async function startSmtpReceiver(
  options: { users?: Record<string, string>; tls?: { key: string; cert: string } } = {},
): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: options.users === undefined,
    // Logins over plain TCP too: the tests check the credentials arrive, not the transport.
    allowInsecureAuth: true,
    disabledCommands: options.tls ? [] : ['STARTTLS'],
    ...(options.tls ?? {}),
    onAuth(auth, _session, callback) {
      if (options.users?.[auth.username ?? ''] === auth.password) callback(null, { user: auth.username });
      else callback(new Error('invalid credentials'));
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
          raw,
          subject: decodeSubject(raw),
          text: decodeBody(raw),
        });
        callback();
      });
    },
  });
  const port = await listen(server.server);
  return {
    port,
    mails,
    waitFor: (count, timeoutMs = 15_000) =>
      eventually(
        () => mails,
        (seen) => seen.length >= count,
        timeoutMs,
      ),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Publish {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
  readonly qos: number;
  readonly clientId: string | undefined;
}

export interface MqttBroker {
  readonly port: number;
  readonly published: Publish[];
  /** The username:password of clients that connected. */
  readonly logins: string[];
  waitFor(predicate: (published: Publish[]) => boolean, timeoutMs?: number): Promise<Publish[]>;
  close(): Promise<void>;
}

/** A real MQTT broker (aedes) over plain TCP. `users`: accepted logins; none: anyone. */
export async function startMqttBroker(options: { users?: Record<string, string> } = {}): Promise<MqttBroker> {
  const broker = createBroker();
  const published: Publish[] = [];
  const logins: string[] = [];
  broker.authenticate = (client, username, password, done) => {
    const pass = password?.toString() ?? '';
    logins.push(`${username ?? ''}:${pass}`);
    const ok = options.users === undefined || options.users[username ?? ''] === pass;
    done(null, ok);
  };
  broker.on('publish', (packet, client) => {
    // Without a client it is the broker's own ($SYS) traffic.
    if (!client) return;
    published.push({
      topic: packet.topic,
      payload: packet.payload.toString(),
      retain: packet.retain,
      qos: packet.qos,
      clientId: client.id,
    });
  });
  const server = createNetServer(broker.handle);
  const port = await listen(server);
  return {
    port,
    published,
    logins,
    waitFor: (predicate, timeoutMs = 15_000) => eventually(() => published, predicate, timeoutMs),
    close: async () => {
      await closeServer(server);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
