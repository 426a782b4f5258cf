import { afterEach, describe, expect, it } from 'vitest';
import { EventBus, observeJournal } from '../../src/events/index.js';
import { silentLogger } from '../../src/log/index.js';
import {
  Notifier,
  Payload,
  compileTemplate,
  type Channel,
  type NotifyConfig,
  type Target,
} from '../../src/notify/index.js';
import type { Store } from '../../src/store/index.js';
import { fakeClock, openIn, planInput, useTempDirs } from './store-fixtures.js';

/**
 * Events in, outbox rows out, with a real store: what is said, to whom, once. Delivery is the
 * dispatcher's (notify-dispatcher.test.ts); these targets never send.
 */
const A = 'sha256:aaaaaaaaaaaa1111';
const B = 'sha256:bbbbbbbbbbbb2222';
const C = 'sha256:cccccccccccc3333';

const idle: Channel = { receivesState: false, send: () => Promise.reject(new Error('not in this test')) };
const chat: Target = { id: 'chat', label: 'slack://hook:***@webhook', scheme: 'slack', channel: idle };
const homeAssistant: Target = {
  id: 'ha',
  label: 'mqtt://broker',
  scheme: 'mqtt',
  channel: { ...idle, receivesState: true },
};

const CONFIG: NotifyConfig = {
  urls: [],
  level: 'info',
  report: false,
  template: undefined,
  host: 'box',
  title: 'Tidewatch updates on box',
  delayMs: 0,
  timeoutMs: 1000,
  maxAgeMs: 60_000,
  drainMs: 0,
  warnings: [],
};

describe('notifier', () => {
  const tempDir = useTempDirs();
  const opened: Store[] = [];
  afterEach(() => {
    for (const store of opened.splice(0)) store.close();
  });

  function setup(config: Partial<NotifyConfig> = {}, targets: Target[] = [chat]) {
    const time = fakeClock();
    const store = openIn(tempDir(), time.clock);
    opened.push(store);
    const bus = new EventBus(silentLogger());
    let kicks = 0;
    new Notifier({
      config: { ...CONFIG, ...config },
      targets,
      outbox: store.outbox,
      announced: store.announced,
      clock: time.clock,
      logger: silentLogger(),
      queued: () => (kicks += 1),
    }).attach(bus);
    const journal = observeJournal(store.journal, bus);
    /** Every queued row, oldest first, with its payload. */
    const rows = () =>
      store.outbox
        .due(Number.MAX_SAFE_INTEGER, 1000)
        .map((row) => ({ ...row, message: Payload.parse(JSON.parse(row.payload)) }));
    const run = (body: () => void, checked = 1): void => {
      bus.emit({ type: 'check-started', trigger: 'schedule', names: [] });
      body();
      bus.emit({
        type: 'check-finished',
        trigger: 'schedule',
        checked,
        updated: 0,
        failed: 0,
        durationMs: 1,
      });
    };
    const available = (container = 'web', latest = B, current = A): void =>
      bus.emit({
        type: 'container-checked',
        container,
        image: 'nginx:latest',
        status: 'update-available',
        currentDigest: current,
        latestDigest: latest,
      });
    const current = (container = 'web', digest = A): void =>
      bus.emit({
        type: 'container-checked',
        container,
        image: 'nginx:latest',
        status: 'current',
        currentDigest: digest,
        latestDigest: digest,
      });
    const update = (
      outcome: 'committed' | 'rolled-back' | 'failed',
      details: { reason?: string; logs?: string } = {},
      to = B,
      containerName = 'web',
    ): void => {
      const id = journal.plan(
        planInput({
          containerName,
          image: 'nginx:latest',
          fromDigest: A,
          toDigest: to,
          fromTag: 'latest',
          toTag: 'latest',
        }),
      );
      if (outcome !== 'failed') {
        for (const step of ['pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'] as const)
          journal.advance(id, step);
      }
      journal.finish(id, outcome, details);
    };
    return { store, bus, journal, rows, run, available, current, update, time, kicks: () => kicks };
  }

  it('an available update is said once per container and digest, at the end of its run', () => {
    const { rows, run, available, kicks } = setup();
    run(() => available());
    expect(rows().map((row) => [row.target, row.event, row.level])).toEqual([
      ['chat', 'update-available', 'info'],
    ]);
    expect(rows()[0]?.message).toMatchObject({
      title: 'Tidewatch updates on box',
      body: 'web (nginx:latest): an update is available, aaaaaaaaaaaa → bbbbbbbbbbbb',
      host: 'box',
      containers: [
        { container: 'web', image: 'nginx:latest', installed: 'aaaaaaaaaaaa', latest: 'bbbbbbbbbbbb' },
      ],
    });
    expect(kicks()).toBe(1);
    // The next cycles find the same digest: nothing new to say.
    run(() => available());
    run(() => available());
    expect(rows()).toHaveLength(1);
    // A newer digest is news again.
    run(() => available('web', C));
    expect(rows().map((row) => row.message.body)).toEqual([
      'web (nginx:latest): an update is available, aaaaaaaaaaaa → bbbbbbbbbbbb',
      'web (nginx:latest): an update is available, aaaaaaaaaaaa → cccccccccccc',
    ]);
  });

  it('an update applied in the same run is said as its outcome only, and the digest is never "available" later', () => {
    const { rows, run, available, update } = setup();
    run(() => {
      available();
      update('committed');
    });
    expect(rows().map((row) => [row.event, row.message.body])).toEqual([
      ['updated', 'web (nginx:latest): updated aaaaaaaaaaaa → bbbbbbbbbbbb'],
    ]);
    run(() => available());
    expect(rows()).toHaveLength(1);
  });

  it('an update someone asked for names them; one the schedule or the CLI made does not', () => {
    const { rows, run, available, journal } = setup();
    run(() => {
      available();
      const id = journal.plan(
        planInput({
          containerName: 'web',
          image: 'nginx:latest',
          fromDigest: A,
          toDigest: B,
          actor: 'alice',
        }),
      );
      journal.finish(id, 'failed', { reason: 'pull failed: 500' });
    });
    run(() => {
      available('web', C);
      const id = journal.plan(
        planInput({
          containerName: 'web',
          image: 'nginx:latest',
          fromDigest: A,
          toDigest: C,
          trigger: 'cli',
          actor: 'cli:ops',
        }),
      );
      for (const step of ['pulled', 'old-renamed', 'new-created', 'new-started', 'verifying'] as const)
        journal.advance(id, step);
      journal.finish(id, 'committed');
    });
    expect(rows().map((row) => row.message.body)).toEqual([
      'web (nginx:latest): the update to bbbbbbbbbbbb (asked by alice) failed: pull failed: 500',
      'web (nginx:latest): updated aaaaaaaaaaaa → cccccccccccc',
    ]);
    expect(rows()[0]?.message.containers[0]).toMatchObject({ actor: 'alice', by: 'alice' });
  });

  it('a rollback says why, with the failed container’s last log lines; a failure is an error', () => {
    const { rows, run, available, update } = setup();
    run(() => {
      available();
      update('rolled-back', { reason: 'it exited with code 3', logs: 'starting\nboom' });
    });
    run(() => {
      available('web', C);
      update('failed', { reason: 'pull failed: 500' }, C);
    });
    const [rolledBack, failed] = rows();
    expect(rolledBack).toMatchObject({ event: 'rolled-back', level: 'warn' });
    expect(rolledBack?.message.body).toBe(
      [
        'web (nginx:latest): the update to bbbbbbbbbbbb was rolled back; aaaaaaaaaaaa runs again.',
        'Reason: it exited with code 3',
        'Last log lines of the new container:',
        'starting',
        'boom',
      ].join('\n'),
    );
    expect(rolledBack?.message.containers[0]).toMatchObject({
      installed: 'aaaaaaaaaaaa',
      latest: 'bbbbbbbbbbbb',
      logs: 'starting\nboom',
    });
    expect(failed).toMatchObject({ event: 'failed', level: 'error' });
    expect(failed?.message.body).toBe(
      'web (nginx:latest): the update to cccccccccccc failed: pull failed: 500',
    );
  });

  it('a skip by a hook is said once per digest; an approval wait is said with its id', () => {
    const { rows, run, available, bus } = setup();
    const skip = (): void => {
      available();
      bus.emit({
        type: 'update-skipped',
        container: 'web',
        image: 'nginx:latest',
        toDigest: B,
        reason: 'the pre-update hook asked to skip (exit 75)',
      });
    };
    run(skip);
    run(skip);
    run(() => {
      available('db', C);
      bus.emit({
        type: 'approval-needed',
        approvalId: 7,
        container: 'db',
        image: 'nginx:latest',
        toDigest: C,
        deadlineAt: Date.UTC(2026, 0, 2),
      });
    });
    expect(rows().map((row) => [row.event, row.message.body])).toEqual([
      [
        'skipped',
        'web (nginx:latest): the update to bbbbbbbbbbbb was skipped: the pre-update hook asked to skip (exit 75)',
      ],
      [
        'approval-needed',
        'db (nginx:latest): the update to cccccccccccc waits for approval #7 (until 2026-01-02T00:00:00.000Z)',
      ],
    ]);
  });

  it('the level filter drops what is below it; Home Assistant still gets the state', () => {
    const { rows, run, available, update } = setup({ level: 'warn' }, [chat, homeAssistant]);
    run(() => {
      available();
      update('committed');
    });
    run(() => {
      available('web', C, B);
      update('rolled-back', { reason: 'unhealthy' }, C);
    });
    expect(rows().map((row) => [row.target, row.event])).toEqual([
      ['ha', 'state'],
      ['chat', 'rolled-back'],
      ['ha', 'rolled-back'],
    ]);
    expect(rows()[0]?.message).toMatchObject({
      body: '',
      containers: [{ container: 'web', installed: 'bbbbbbbbbbbb' }],
    });
  });

  it('Home Assistant learns a container that is current once per digest; chat targets never hear of it', () => {
    const { rows, run, current } = setup({}, [chat, homeAssistant]);
    run(() => current());
    run(() => current());
    run(() => current('web', B));
    expect(rows().map((row) => [row.target, row.event, row.message.containers[0]?.installed])).toEqual([
      ['ha', 'state', 'aaaaaaaaaaaa'],
      ['ha', 'state', 'bbbbbbbbbbbb'],
    ]);
  });

  it('report mode: one message per run with everything noteworthy; a quiet run sends nothing', () => {
    const { rows, run, available, update, bus } = setup({ report: true });
    run(() => {
      available('web');
      update('committed');
      available('api', C);
      update('rolled-back', { reason: 'unhealthy' }, C, 'api');
      available('cache', B);
      bus.emit({
        type: 'container-checked',
        container: 'db',
        image: 'postgres:16',
        status: 'unknown',
        reason: 'registry said 500',
      });
    }, 4);
    run(() => available('cache', B), 4);
    const all = rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ event: 'report', level: 'warn' });
    expect(all[0]?.message.body).toBe(
      [
        '4 scanned, 1 updated, 1 failed',
        '- web (nginx:latest): updated aaaaaaaaaaaa → bbbbbbbbbbbb',
        '- api (nginx:latest): rolled back from cccccccccccc: unhealthy',
        '- cache (nginx:latest): update available, aaaaaaaaaaaa → bbbbbbbbbbbb',
        '- db: could not be checked: registry said 500',
      ].join('\n'),
    );
    expect(all[0]?.message.containers.map((item) => item.container)).toEqual(['web', 'api', 'cache']);
  });

  it('templates: the global one for every event, a URL’s own first; an empty message is not sent', () => {
    const own: Target = {
      ...chat,
      id: 'own',
      template: compileTemplate('{{#updated}}{{container}} is on {{to}}{{/updated}}', 'own'),
    };
    const { rows, run, available, update } = setup(
      { template: compileTemplate('[{{event}}/{{level}}] {{container}} on {{host}}', 'global') },
      [chat, own],
    );
    run(() => {
      available();
      update('committed');
      available('api', C);
    });
    expect(rows().map((row) => [row.target, row.message.body])).toEqual([
      ['chat', '[updated/info] web on box'],
      ['own', 'web is on bbbbbbbbbbbb'],
      ['chat', '[update-available/info] api on box'],
    ]);
  });

  it('templates get the update kind: a tag move, a digest move', () => {
    const { rows, run, bus, update } = setup({
      template: compileTemplate('{{container}}: {{updateKind}} {{from}} → {{to}}', 'global'),
    });
    run(() => {
      bus.emit({
        type: 'container-checked',
        container: 'py',
        image: 'python:3.13.0rc1',
        status: 'update-available',
        currentDigest: A,
        latestDigest: C,
        currentTag: '3.13.0rc1',
        latestTag: '3.13.0rc2',
      });
      update('committed');
    });
    expect(rows().map((row) => row.message.body)).toEqual([
      'web: digest aaaaaaaaaaaa → bbbbbbbbbbbb',
      'py: prerelease 3.13.0rc1 (aaaaaaaaaaaa) → 3.13.0rc2 (cccccccccccc)',
    ]);
  });

  it('a title override per URL, no title with skip-title, and the delay holds a message back', () => {
    const titled: Target = { ...chat, id: 'titled', title: 'Deploys' };
    const { rows, run, available, time } = setup({ title: undefined, delayMs: 30_000 }, [chat, titled]);
    run(() => available());
    const [plain, custom] = rows();
    expect(plain?.message.title).toBeUndefined();
    expect(custom?.message.title).toBe('Deploys');
    expect(plain?.nextAttemptAt).toBe(time.clock() + 30_000);
  });

  it('an event outside a run (an approval from the API) is said at once', () => {
    const { rows, bus } = setup();
    bus.emit({
      type: 'approval-needed',
      approvalId: 3,
      container: 'web',
      image: 'nginx:latest',
      toDigest: B,
      toTag: '1.2.4',
      fromTag: '1.2.3',
    });
    expect(rows().map((row) => row.message.body)).toEqual([
      'web (nginx:latest): the update to 1.2.4 (bbbbbbbbbbbb) waits for approval #3',
    ]);
  });
});
