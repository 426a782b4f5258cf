/**
 * The live stream: /api/v1/events (Server-Sent Events, with the session cookie). EventSource
 * reconnects by itself and sends Last-Event-ID, so a dropped connection loses no event; the
 * dashboard only has to re-read what an event says has changed.
 */
import { useEffect } from 'preact/hooks';

export interface LiveEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

const EVENT_TYPES = [
  'check-started',
  'container-checked',
  'update-step',
  'update-skipped',
  'approval-needed',
  'approval-decided',
  'check-finished',
];

export function useLiveEvents(onEvent: (event: LiveEvent) => void, onState?: (live: boolean) => void): void {
  useEffect(() => {
    const source = new EventSource('api/v1/events', { withCredentials: true });
    const handle = (message: MessageEvent<string>): void => {
      try {
        const data = JSON.parse(message.data) as Record<string, unknown>;
        onEvent({ ...data, type: typeof data.type === 'string' ? data.type : message.type });
      } catch {
        // A line that is not JSON is not ours to act on.
      }
    };
    source.addEventListener('message', handle);
    for (const type of EVENT_TYPES) source.addEventListener(type, handle);
    source.addEventListener('open', () => onState?.(true));
    source.addEventListener('error', () => onState?.(false));
    return () => source.close();
  }, []);
}
