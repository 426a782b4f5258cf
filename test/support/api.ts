import type { FlagValues } from '../../src/config/index.js';
import { EventBus, observeJournal } from '../../src/events/index.js';
import type { ApiDaemon } from '../../src/api/index.js';
import { RunQueue } from '../../src/scheduler/index.js';
import type { Store } from '../../src/store/index.js';
import type { CycleReport } from '../../src/updater/index.js';
import { runRequested } from '../../src/daemon/index.js';
import { uniqueName } from '../lab/index.js';
import { tempStore, tidewatchDeps } from './tidewatch.js';

export const TOKEN = 'test-token-0123456789abcdef';

export interface DaemonHarness {
  readonly daemon: ApiDaemon;
  readonly events: EventBus;
  readonly store: Store;
  /** Waits for queued runs, then closes the store. */
  close(): Promise<void>;
}

/**
 * What `tidewatch run` hands its services, in-process: the lab engine, a temp store whose journal
 * emits events, and a run queue running real cycles (as runDaemon builds it). The API gets the
 * test token unless `env` says otherwise.
 *
 * Always scoped: without `flags.scope` the harness gets a scope of its own that no container has.
 * An unscoped run watches every container on the engine, and the lab engine is shared by test
 * files running in parallel: one such whole-engine check (a test of POST /api/v1/check) once
 * updated another file's container in the middle of that file's own update.
 */
export async function daemonHarness(
  flags: FlagValues = {},
  env: NodeJS.ProcessEnv = {},
): Promise<DaemonHarness> {
  const scoped = { ...flags, scope: flags.scope ?? uniqueName('harness-scope') };
  const deps = await tidewatchDeps(scoped, { TIDEWATCH_API_TOKEN: TOKEN, ...env });
  const temp = tempStore();
  const events = new EventBus();
  const store: Store = { ...temp.store, journal: observeJournal(temp.store.journal, events) };
  const full = { ...deps, store, events };
  const signal = new AbortController().signal;
  // The daemon's own runner: updates or checks only, recorded as made by whoever asked.
  const runs = new RunQueue<CycleReport>((request) => runRequested(full, request, { signal }));
  return {
    daemon: { deps: full, runs },
    events,
    store,
    close: async () => {
      await runs.close();
      temp.close();
    },
  };
}

export function authHeaders(token = TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

export interface EventStream {
  /** Everything received so far, in order. */
  readonly events: SseEvent[];
  /** Comments received (heartbeats), for tests of the keep-alive. */
  readonly comments: string[];
  /** Resolves once `predicate` holds for the events so far; rejects after `timeoutMs`. */
  waitFor(predicate: (events: readonly SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

/** Opens an SSE stream and parses it as the EventSource spec does; resolves once connected. */
export async function openEventStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  if (response.status !== 200 || response.body === null) {
    throw new Error(`event stream ${url}: HTTP ${response.status} ${await response.text()}`);
  }
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let connected: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const parse = (block: string): void => {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0) events.push({ id, event, data: data.join('\n') });
  };
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        connected();
        for (const wake of waiters) wake();
      }
    } catch {
      // closed by the test or the server
    }
  })();
  await ready;
  return {
    events,
    comments,
    waitFor: (predicate, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate(events)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve([...events]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no such events within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => controller.abort(),
  };
}
