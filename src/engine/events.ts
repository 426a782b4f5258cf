import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { z } from 'zod';
import { TidewatchError, describeError } from '../domain/errors.js';

/**
 * One thing that happened to a container, from the engine's event stream
 * (https://docs.docker.com/reference/api/engine/version/v1.41/#tag/System/operation/SystemEvents).
 * Network connect and disconnect are reported for the container they concern: they change its
 * endpoints, which container inspect reports.
 */
export interface ContainerEvent {
  /** The container's full id. */
  readonly id: string;
  /** The engine's action: `create`, `start`, `die`, `rename`, `destroy`, `connect`, ... */
  readonly action: string;
}

export interface EventHandlers {
  /** The stream is open: every change from now on is reported. */
  readonly onOpen: () => void;
  readonly onEvent: (event: ContainerEvent) => void;
  /** The stream ended or failed: changes may have been missed until the next onOpen. */
  readonly onLost: (reason: string) => void;
}

/** The engine's container events, as a port: the inventory follows them. */
export interface EngineEvents {
  /** Opens the stream once; it is closed when `signal` aborts (onLost is not called then). */
  follow(handlers: EventHandlers, signal: AbortSignal): void;
}

const RawEvent = z.looseObject({
  Type: z.string().optional(),
  Action: z.string().optional(),
  status: z.string().optional(),
  id: z.string().optional(),
  Actor: z
    .looseObject({
      ID: z.string().optional(),
      Attributes: z.record(z.string(), z.string()).nullish(),
    })
    .optional(),
});

/** A container's event, or a network event naming the container it connected or disconnected. */
export function toContainerEvent(raw: unknown): ContainerEvent | undefined {
  const parsed = RawEvent.safeParse(raw);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  const action = event.Action ?? event.status ?? '';
  if (event.Type === 'network') {
    const container = event.Actor?.Attributes?.container;
    return container !== undefined && (action === 'connect' || action === 'disconnect')
      ? { id: container, action }
      : undefined;
  }
  const id = event.Actor?.ID ?? event.id;
  return event.Type === 'container' && id !== undefined && action !== '' ? { id, action } : undefined;
}

/** The engine's events through `docker` (an engine client's own connection). */
export function eventsOf(docker: Docker): EngineEvents {
  return { follow: (handlers, signal) => follow(docker, handlers, signal) };
}

function follow(docker: Docker, handlers: EventHandlers, signal: AbortSignal): void {
  const filters = { type: ['container' as const, 'network' as const] };
  docker.getEvents({ filters }).then(
    (stream) => {
      const readable = stream as Readable;
      if (signal.aborted) {
        readable.destroy();
        return;
      }
      let ended = false;
      const lost = (reason: string): void => {
        if (ended) return;
        ended = true;
        signal.removeEventListener('abort', close);
        if (!signal.aborted) handlers.onLost(reason);
      };
      const close = (): void => {
        ended = true;
        readable.destroy();
      };
      signal.addEventListener('abort', close, { once: true });
      handlers.onOpen();
      let partial = '';
      readable.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() === '') continue;
          const event = parseLine(line);
          if (event !== undefined) handlers.onEvent(event);
        }
      });
      readable.on('error', (error: unknown) => lost(describeError(error)));
      readable.on('close', () => lost('the engine closed the event stream'));
      readable.on('end', () => lost('the engine closed the event stream'));
    },
    (error: unknown) => {
      if (!signal.aborted)
        handlers.onLost(
          new TidewatchError('engine-error', `following engine events: ${describeError(error)}`, {
            cause: error,
          }).message,
        );
    },
  );
}

function parseLine(line: string): ContainerEvent | undefined {
  try {
    return toContainerEvent(JSON.parse(line) as unknown);
  } catch {
    return undefined; // not JSON: nothing this stream is known to send; ignored, never fatal
  }
}
