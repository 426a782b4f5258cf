import { describe, expect, it } from 'vitest';
import {
  WEBHOOK_SOURCES,
  WebhookDispatcher,
  type Timers,
  type WebhookKind,
} from '../../src/api/webhooks/index.js';

function source(kind: WebhookKind) {
  const found = WEBHOOK_SOURCES.find((candidate) => candidate.kind === kind);
  if (!found) throw new Error(`no source ${kind}`);
  return found;
}

/** Parses with the source's schema and reads it, as the route does. */
function read(
  kind: WebhookKind,
  body: unknown,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
) {
  const webhook = source(kind);
  const payload = webhook.schema.parse(body);
  return webhook.read({ payload, header: (name) => headers[name], query });
}

const manifestPush = (tag?: string) => ({
  action: 'push',
  target: {
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    digest: 'sha256:cb920e7d11fbf55a3e76fba03dde0e103b294633e2ead0445cf65af8b683bfb0',
    repository: 'team/app',
    url: 'http://127.0.0.1:5000/v2/team/app/manifests/sha256:cb92',
    ...(tag !== undefined && { tag }),
  },
  request: { host: '127.0.0.1:5000', method: 'PUT' },
});

describe('webhook payloads', () => {
  it('registry: a manifest pushed by tag names host/repo:tag; blobs, pulls and digest pushes are ignored', () => {
    const blob = {
      action: 'push',
      target: { mediaType: 'application/octet-stream', repository: 'team/app' },
      request: { host: '127.0.0.1:5000' },
    };
    const pull = { ...manifestPush('1.0'), action: 'pull' };
    expect(
      read('registry', { events: [blob, manifestPush(), pull, manifestPush('1.0'), manifestPush('1.0')] }),
    ).toEqual({
      images: ['127.0.0.1:5000/team/app:1.0'],
    });
    expect(read('registry', { events: [blob] })).toEqual({ ignored: 'no manifest pushed by tag' });
  });

  it('registry: ?registry= names the host the containers use; the target URL stands in for a missing request host', () => {
    expect(
      read('registry', { events: [manifestPush('2')] }, {}, { registry: 'registry.example.com' }),
    ).toEqual({
      images: ['registry.example.com/team/app:2'],
    });
    const { request: _request, ...noRequest } = manifestPush('3');
    expect(read('registry', { events: [noRequest] })).toEqual({ images: ['127.0.0.1:5000/team/app:3'] });
  });

  it('registry: an envelope without events is refused', () => {
    expect(source('registry').schema.safeParse({ event: [] }).success).toBe(false);
  });

  it('dockerhub', () => {
    const body = {
      callback_url: 'https://registry.hub.docker.com/u/x/hook/1/',
      push_data: { tag: 'v2', pusher: 'x' },
      repository: { repo_name: 'acme/web', name: 'web' },
    };
    expect(read('dockerhub', body)).toEqual({ images: ['docker.io/acme/web:v2'] });
  });

  it('ghcr: a published container tag; ping and other events are ignored', () => {
    const body = {
      action: 'published',
      package: {
        name: 'Web',
        namespace: 'Acme',
        package_type: 'CONTAINER',
        package_version: {
          version: 'sha256:abc',
          container_metadata: { tag: { name: 'main', digest: 'sha256:abc' } },
        },
        registry: { host: 'ghcr.io', url: 'https://ghcr.io' },
      },
    };
    expect(read('ghcr', body, { 'x-github-event': 'package' })).toEqual({
      images: ['ghcr.io/acme/web:main'],
    });
    expect(read('ghcr', { zen: 'Keep it simple.' }, { 'x-github-event': 'ping' })).toEqual({
      ignored: 'a GitHub ping event, not a package event',
    });
    const npm = { ...body, package: { ...body.package, package_type: 'npm' } };
    expect(read('ghcr', npm, { 'x-github-event': 'package' })).toEqual({
      ignored: 'not a container package',
    });
    expect(() => read('ghcr', { action: 'published' }, { 'x-github-event': 'package' })).toThrow(/package/);
  });

  it('harbor: PUSH_ARTIFACT resources with a tag', () => {
    const body = {
      type: 'PUSH_ARTIFACT',
      occur_at: 1,
      operator: 'admin',
      event_data: {
        resources: [
          { digest: 'sha256:1', tag: 'v1', resource_url: 'harbor.example.com/library/app:v1' },
          { digest: 'sha256:2', resource_url: 'harbor.example.com/library/app@sha256:2' },
        ],
        repository: { name: 'app', namespace: 'library', repo_full_name: 'library/app' },
      },
    };
    expect(read('harbor', body)).toEqual({ images: ['harbor.example.com/library/app:v1'] });
    expect(read('harbor', { ...body, type: 'PULL_ARTIFACT' })).toEqual({ ignored: 'a PULL_ARTIFACT event' });
  });

  it('quay: every updated tag', () => {
    const body = {
      repository: 'acme/web',
      namespace: 'acme',
      name: 'web',
      docker_url: 'quay.io/acme/web',
      updated_tags: ['a', 'b'],
    };
    expect(read('quay', body)).toEqual({ images: ['quay.io/acme/web:a', 'quay.io/acme/web:b'] });
  });

  it('generic: image, optional tag, optional digest; nothing else', () => {
    expect(read('generic', { image: '127.0.0.1:5000/app' })).toEqual({ images: ['127.0.0.1:5000/app'] });
    expect(
      read('generic', { image: '127.0.0.1:5000/app', tag: '1.2', digest: `sha256:${'a'.repeat(64)}` }),
    ).toEqual({
      images: ['127.0.0.1:5000/app:1.2'],
    });
    const schema = source('generic').schema;
    expect(schema.safeParse({ image: 'x', extra: 1 }).success).toBe(false);
    expect(schema.safeParse({ image: 'x', digest: 'md5:1' }).success).toBe(false);
    expect(schema.safeParse({ image: '' }).success).toBe(false);
  });
});

/** Timers driven by the test: `advance(ms)` fires what is due, in order. */
function manualTimers(): Timers & { advance(ms: number): void; now(): number } {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout: (callback, ms) => {
      timers.set(++nextId, { at: now + ms, callback });
      return nextId;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
    now: () => now,
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

describe('WebhookDispatcher', () => {
  const setup = () => {
    const timers = manualTimers();
    const runs: Array<[string, readonly string[]]> = [];
    const dispatcher = new WebhookDispatcher((kind, images) => runs.push([kind, images]), {
      delayMs: 400,
      maxWaitMs: 2000,
      now: () => timers.now(),
      timers,
    });
    return { timers, runs, dispatcher };
  };

  it('starts the run of a first delivery at once: a tag moved, the push is complete', () => {
    const { runs, dispatcher } = setup();
    dispatcher.submit('registry', ['r/a:1', 'r/a:1']);
    expect(runs).toEqual([['registry', ['r/a:1']]]);
  });

  it('collects what follows within the quiet time into one more run, after the quiet time', () => {
    const { timers, runs, dispatcher } = setup();
    dispatcher.submit('registry', ['r/a:1']);
    timers.advance(100);
    dispatcher.submit('registry', ['r/a:1.2']);
    timers.advance(300);
    dispatcher.submit('registry', ['r/a:latest', 'r/b:1']);
    timers.advance(399);
    expect(runs).toEqual([['registry', ['r/a:1']]]);
    timers.advance(1);
    expect(runs).toEqual([
      ['registry', ['r/a:1']],
      ['registry', ['r/a:1.2', 'r/a:latest', 'r/b:1']],
    ]);
    // Quiet again for the quiet time after that run: the next push starts at once.
    timers.advance(400);
    dispatcher.submit('registry', ['r/c:1']);
    expect(runs).toHaveLength(3);
  });

  it('starts the collected run at the latest after the longest wait, however often deliveries come', () => {
    const { timers, runs, dispatcher } = setup();
    for (let elapsed = 0; elapsed < 3000; elapsed += 100) {
      dispatcher.submit('registry', [`r/a:${elapsed}`]);
      timers.advance(100);
    }
    // The first at once; then what came in the next 2000 ms (20 deliveries), without waiting for quiet.
    expect(runs.map(([, images]) => images.length)).toEqual([1, 20]);
    timers.advance(400);
    expect(runs.map(([, images]) => images.length)).toEqual([1, 20, 9]);
  });

  it('keeps kinds apart (each run records its own trigger), and drops what waits when stopped', () => {
    const { timers, runs, dispatcher } = setup();
    dispatcher.submit('registry', ['r/a:1']);
    dispatcher.submit('generic', ['r/b']);
    expect(runs).toEqual([
      ['registry', ['r/a:1']],
      ['generic', ['r/b']],
    ]);
    dispatcher.submit('quay', ['q/c:1']);
    dispatcher.submit('quay', ['q/c:1.0']);
    expect(dispatcher.stop()).toEqual(['q/c:1.0']);
    timers.advance(1000);
    dispatcher.submit('quay', ['q/c:2']);
    timers.advance(1000);
    expect(runs).toHaveLength(3);
  });
});
