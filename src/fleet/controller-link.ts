import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { MEMBER_HEADER, REPORT_PATH, STREAM_PATH, TargetsMessage, type MemberReport } from './protocol.js';

export interface LinkSettings {
  /** The controller's base URL. */
  readonly controller: string;
  readonly token: string;
  readonly member: string;
  readonly wave: number;
  /** A CA file for the controller's certificate; the system's CAs when undefined. */
  readonly caFile?: string | undefined;
}

/** How one stream connection ended: refused (a 4xx: retry much later) or dropped. */
export type StreamEnd =
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'dropped'; readonly reason: string };

/**
 * The member's side of the wire: one long-lived GET of the controller's SSE stream, and POSTs of
 * reports, over http or https (with an optional CA), carrying the member's token and name. Node's
 * own http client: it takes a CA per request, which fetch does not without another dependency.
 */
export class ControllerLink {
  private readonly ca: Buffer | undefined;
  private readonly base: URL;

  constructor(private readonly settings: LinkSettings) {
    this.base = new URL(settings.controller.endsWith('/') ? settings.controller : `${settings.controller}/`);
    this.ca = settings.caFile === undefined ? undefined : readFileSync(settings.caFile);
  }

  /** Opens the stream; `onTargets` hears each instruction. Resolves when the connection ends. */
  stream(
    onTargets: (message: TargetsMessage) => void,
    onOpen: () => void,
    signal: AbortSignal,
  ): Promise<StreamEnd> {
    return new Promise((resolve) => {
      const url = new URL(`.${STREAM_PATH}?wave=${this.settings.wave}`, this.base);
      const request = this.request(url, 'GET', { accept: 'text/event-stream' }, signal);
      request.on('response', (response) => {
        if (response.statusCode !== 200) {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk.slice(0, 2000)));
          response.on('end', () =>
            resolve({ kind: 'refused', reason: `HTTP ${response.statusCode}: ${errorMessage(body)}` }),
          );
          return;
        }
        onOpen();
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const message = parseTargets(block);
            if (message) onTargets(message);
          }
        });
        response.on('end', () => resolve({ kind: 'dropped', reason: 'the controller closed the stream' }));
        response.on('error', (error) => resolve({ kind: 'dropped', reason: error.message }));
      });
      request.on('error', (error) => resolve({ kind: 'dropped', reason: error.message }));
      request.end();
    });
  }

  /** Posts a report; throws with the controller's answer when it is not taken. */
  report(report: MemberReport, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(report);
    return new Promise((resolve, reject) => {
      const url = new URL(`.${REPORT_PATH}`, this.base);
      const request = this.request(url, 'POST', { 'content-type': 'application/json' }, signal);
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk.slice(0, 2000)));
        response.on('end', () =>
          response.statusCode === 204
            ? resolve()
            : reject(
                new Error(
                  `the controller refused the report: HTTP ${response.statusCode}: ${errorMessage(text)}`,
                ),
              ),
        );
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  private request(
    url: URL,
    method: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): http.ClientRequest {
    const options = {
      method,
      signal,
      headers: {
        ...headers,
        authorization: `Bearer ${this.settings.token}`,
        [MEMBER_HEADER]: this.settings.member,
      },
    };
    if (url.protocol === 'https:')
      return https.request(url, { ...options, ...(this.ca ? { ca: this.ca } : {}) });
    return http.request(url, options);
  }
}

/** A `targets` event of an SSE block; comments, heartbeats and other events are not instructions. */
function parseTargets(block: string): TargetsMessage | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (event !== 'targets' || data.length === 0) return undefined;
  const parsed = TargetsMessage.safeParse(safeJson(data.join('\n')));
  return parsed.success ? parsed.data : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The API's `{ error: { message } }`, or the body's start. */
function errorMessage(body: string): string {
  const parsed = safeJson(body) as { error?: { message?: unknown } } | undefined;
  const message = parsed?.error?.message;
  return typeof message === 'string' ? message : body.slice(0, 200);
}
