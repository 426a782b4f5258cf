/** One line of the engine's JSON progress stream (pull, push, load). */
export interface ProgressEvent {
  status?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: Record<string, unknown>;
}

/**
 * Runs an engine call that answers with a progress stream and reads it to the end. Failures
 * before the stream (HTTP errors) and inside it get the same "<what> failed: ..." message.
 */
export async function progressOf(
  what: string,
  start: () => Promise<NodeJS.ReadableStream>,
): Promise<ProgressEvent[]> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await start();
  } catch (error) {
    throw new Error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return followProgress(stream, what);
}

/**
 * Reads an engine progress stream to its end. The engine answers 200 and then reports failures
 * inside the stream, so an `error` line is turned into a rejection here rather than left for
 * every caller to spot.
 */
export function followProgress(stream: NodeJS.ReadableStream, what: string): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    const events: ProgressEvent[] = [];
    let buffer = '';
    const take = (line: string): void => {
      const trimmed = line.trim();
      if (trimmed === '') return;
      try {
        events.push(JSON.parse(trimmed) as ProgressEvent);
      } catch {
        events.push({ stream: trimmed });
      }
    };
    stream.on('data', (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        take(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    });
    stream.on('error', (error: Error) =>
      reject(new Error(`${what} failed: ${error.message}`, { cause: error })),
    );
    stream.on('end', () => {
      take(buffer);
      const failed = events.find((event) => event.error !== undefined || event.errorDetail !== undefined);
      if (failed !== undefined) {
        const message = failed.errorDetail?.message ?? failed.error ?? 'unknown error';
        reject(new Error(`${what} failed: ${message}`));
      } else {
        resolve(events);
      }
    });
  });
}
