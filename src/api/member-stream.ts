import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';

export interface MemberStreamOptions {
  readonly heartbeatMs: number;
  /** Aborted when the API stops: the stream ends. */
  readonly stopping: AbortSignal;
  /**
   * Called once the stream is open with a function that sends one event and one that ends the
   * stream; returns what to do when the stream ends, however it ends.
   */
  open(send: (event: string, data: string) => void, end: () => void): () => void;
}

/**
 * A fleet member's Server-Sent Events stream, written straight to Node's response: a controller
 * holds one per member for as long as the member runs, so each must cost little. Hono's web-stream
 * SSE (a ReadableStream, a TransformStream and a reader loop per client) cost about 100 KB of
 * controller memory per member; a plain write costs the socket's buffers (docs/performance.md).
 */
export function memberStream(c: Context, options: MemberStreamOptions): Response {
  const out = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!out) throw new Error('the member stream is served only by the Node HTTP server');
  out.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  out.write(': connected\n\n');
  let ended = false;
  let onEnd: (() => void) | undefined = undefined;
  const heartbeat = setInterval(() => out.write(': heartbeat\n\n'), options.heartbeatMs);
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    options.stopping.removeEventListener('abort', end);
    out.end();
    onEnd?.();
  };
  const send = (event: string, data: string): void => {
    if (!ended) out.write(`event: ${event}\ndata: ${data}\n\n`);
  };
  out.on('close', end);
  options.stopping.addEventListener('abort', end);
  onEnd = options.open(send, end);
  if (ended) onEnd();
  return RESPONSE_ALREADY_SENT;
}
