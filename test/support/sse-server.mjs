// The API server of test/integration/sse-slow-clients.test.ts, in a process of its own: the test
// measures the memory (RSS) of the process that serves, and of nothing else. Forked with
// `--expose-gc`; runs the modules `npm test` builds (dist/), as the CLI tests run the bundle.
//
// It serves the real API (startApi: @hono/node-server on a loopback port, the real events route)
// over a daemon that runs no cycle: the events come from the test, over IPC, and go through the
// real EventBus into the API's EventLog, as the daemon's journal sends them.
//
// Messages in, each answered once done:
//   { publish: { count, bytes } } emits `count` update-skipped events whose reason is `bytes`
//     characters, one per turn of the event loop, so the streams write between them;
//   { measure: true } collects garbage until the heap stops shrinking, then answers the RSS, the
//     memory still referenced (heap and external buffers) and the number of TCP sockets the
//     process holds (its listening socket aside).
// Its first message out is { url }. It exits when the test disconnects.
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { startApi } from '../../dist/api/index.js';
import { loadSettings } from '../../dist/config/index.js';
import { EventBus } from '../../dist/events/index.js';
import { silentLogger } from '../../dist/log/index.js';
import { RunQueue } from '../../dist/scheduler/index.js';
import { openStore, storeFile } from '../../dist/store/index.js';

const token = process.env.SSE_SERVER_TOKEN ?? '';
const dataDir = mkdtempSync(join(tmpdir(), 'tw-sse-server-'));
const store = openStore(storeFile(dataDir), { clock: Date.now });
const bus = new EventBus();
const settings = loadSettings({}, { TIDEWATCH_API_TOKEN: token, TIDEWATCH_HTTP_ADDR: '127.0.0.1:0' });
const deps = { settings, logger: silentLogger(), events: bus, store };
const runs = new RunQueue(() => Promise.reject(new Error('this server runs no cycle')));
const service = await startApi({ deps, runs }, { heartbeatMs: 60_000 });

let sequence = 0;
async function publish({ count, bytes }) {
  for (let i = 0; i < count; i++) {
    // Each reason a flat string of its own, as one read from a socket is: a string built by
    // padEnd or + is a rope that stays small until the first JSON.stringify flattens it, which
    // would make the events published to clients cost more than the ones published before.
    const text = Buffer.alloc(bytes, 'x');
    text.write(`${sequence++}:`);
    const reason = text.toString('latin1');
    bus.emit({ type: 'update-skipped', container: 'web', image: 'example/web:1', reason });
    await nextTurn();
  }
  return { published: count };
}

async function measure() {
  let heap = Infinity;
  for (let round = 0; round < 10; round++) {
    globalThis.gc();
    await sleep(50);
    const used = process.memoryUsage().heapUsed;
    if (used >= heap) break;
    heap = used;
  }
  const sockets = process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;
  const memory = process.memoryUsage();
  // `held` is what the process still references (JS heap and the buffers it owns): a leak shows
  // there. RSS also keeps pages the allocator has not handed back to the kernel yet.
  return { rss: memory.rss, held: memory.heapUsed + memory.external, sockets };
}

process.on('message', (message) => {
  const answer = message.publish ? publish(message.publish) : measure();
  answer.then(
    (value) => process.send(value),
    (error) => process.send({ error: String(error) }),
  );
});

process.on('disconnect', () => {
  void service.stop().finally(() => {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});

process.send({ url: service.url });
