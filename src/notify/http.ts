import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { describeError } from '../domain/errors.js';
import { DeliveryError } from './types.js';

export interface HttpCall {
  readonly method?: 'POST' | 'PUT' | 'GET';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as application/json. */
  readonly json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  /** Only when the URL says so (insecureskipverify=yes): TLS is verified by default. */
  readonly insecure?: boolean;
}

export interface HttpAnswer {
  readonly status: number;
  readonly text: string;
}

// Enough of any answer to read an error or a JSON result; a huge body is not read to its end.
const MAX_ANSWER = 64 * 1024;
/** Answers that mean "this request will never work as it is": retrying stops sooner. */
const PERMANENT = new Set([400, 401, 403, 404, 405, 410, 413, 422]);
const USER_AGENT = 'Tidewatch';

function encode(call: HttpCall): { body: string | undefined; type: string | undefined } {
  if (call.json !== undefined) return { body: JSON.stringify(call.json), type: 'application/json' };
  if (call.form !== undefined)
    return { body: new URLSearchParams(call.form).toString(), type: 'application/x-www-form-urlencoded' };
  return { body: undefined, type: undefined };
}

function readAnswer(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (text.length < MAX_ANSWER) text += chunk;
    });
    response.on('end', () => resolve(text.slice(0, MAX_ANSWER)));
    response.on('error', reject);
  });
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * One HTTP request with node's own client (so TLS verification can be relaxed per request when a
 * URL asks). Resolves on 2xx; throws DeliveryError otherwise, naming the status and the start of
 * the answer. The caller redacts the message before it is logged.
 */
export async function httpSend(call: HttpCall): Promise<HttpAnswer> {
  const url = new URL(call.url);
  const { body, type } = encode(call);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    ...(type !== undefined ? { 'content-type': type } : {}),
    ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...call.headers,
  };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(
      url,
      {
        method: call.method ?? 'POST',
        headers,
        signal: call.signal,
        ...(url.protocol === 'https:' && call.insecure === true ? { rejectUnauthorized: false } : {}),
      },
      resolve,
    );
    req.on('error', reject);
    req.end(body);
  }).catch((error: unknown) => {
    const reason = call.signal.aborted ? 'timed out' : describeError(error);
    throw new DeliveryError(`${url.host}: ${reason}`, { cause: error });
  });
  const text = await readAnswer(response).catch((error: unknown) => {
    throw new DeliveryError(`${url.host}: ${describeError(error)}`, { cause: error });
  });
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { status, text };
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const wait = status === 429 || status === 503 ? retryAfterMs(response.headers['retry-after']) : undefined;
  throw new DeliveryError(`${url.host} answered HTTP ${status}${snippet !== '' ? `: ${snippet}` : ''}`, {
    permanent: PERMANENT.has(status),
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  });
}

/** `HTTP 200`: what a webhook answered, for `notify test`. */
export function receipt(answer: HttpAnswer): { status: string } {
  return { status: `HTTP ${answer.status}` };
}

/** The answer's JSON, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
