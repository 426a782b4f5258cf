/** One Server-Sent Event of Tidewatch's /api/v1/events. */
export interface SseEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/**
 * Follows `url` (an SSE stream) and hands each event to `onEvent` until `signal` aborts. Resolves
 * once the stream is open, so nothing after that is missed.
 */
export async function followEvents(
  url: string,
  token: string,
  onEvent: (event: SseEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
  if (response.status !== 200 || response.body === null) throw new Error(`GET ${url}: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type !== undefined && data !== undefined)
            onEvent({ type, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    } catch {
      // aborted: the benchmark is done with this stream
    }
  })();
}
