import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScheduleGate } from '../../src/pipeline/index.js';
import { runCycle, type CycleReport } from '../../src/updater/index.js';
import { buildAndPush, labDocker, uniqueName } from '../lab/index.js';
import { startDaemon } from '../support/daemon.js';
import { eventually, publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import {
  createService,
  entryOf,
  historyOf,
  runningOn,
  useSwarmStore,
  type ServiceInspect,
} from '../support/swarm.js';
import { expectExit, logLines, runCli, tidewatchDeps } from '../support/tidewatch.js';

/**
 * Swarm services go through the same policies and gates as containers (src/pipeline): tag
 * policies with their filters, cooldowns, windows, approvals and schedules of their own. On the
 * lab engine made a one-node swarm, each test in a scope of its own.
 */
describe('swarm services under policies', () => {
  const docker = labDocker();
  const lab = useLab();
  const store = useSwarmStore(docker);

  /** One in-process run in `scope`, journaled into this file's store. */
  async function run(
    scope: string,
    options: { update?: boolean; trigger?: 'cli' | 'schedule'; schedules?: ScheduleGate } = {},
  ): Promise<CycleReport> {
    const base = await tidewatchDeps({ scope, swarmMonitor: '1s' });
    return runCycle(
      { ...base, store: store.store, schedules: options.schedules },
      {
        names: [],
        update: options.update ?? true,
        signal: new AbortController().signal,
        trigger: options.trigger ?? 'cli',
      },
    );
  }

  const imageOf = async (id: string): Promise<string> =>
    ((await docker.getService(id).inspect()) as ServiceInspect).Spec.TaskTemplate.ContainerSpec.Image;

  /** A service on `tag` of `repository`, pinned to `digest`, running, with `labels`. */
  async function serviceOn(
    repository: string,
    tag: string,
    digest: string,
    scope: string,
    labels: Record<string, string>,
  ): Promise<{ id: string; subject: string }> {
    const name = uniqueName('svcpol');
    const id = await createService(docker, name, `${repository}:${tag}@${digest}`, scope, undefined, labels);
    await runningOn(docker, id, `${repository}:${tag}@${digest}`);
    return { id, subject: `service:${name}` };
  }

  it('minor moves a service on 1.0.0 to the highest 1.x pushed, never 2.0.0; tags.exclude narrows it', async () => {
    const repository = `${lab.registry.host}/${uniqueName('minor')}`;
    const { digest: d100 } = await buildAndPush(`${repository}:1.0.0`, { env: ['VERSION=1.0.0'] });
    const { digest: d110 } = await publishUpdate(`${repository}:1.1.0`, { env: ['VERSION=1.1.0'] });
    const { digest: d120 } = await publishUpdate(`${repository}:1.2.0`, { env: ['VERSION=1.2.0'] });
    await publishUpdate(`${repository}:2.0.0`, { env: ['VERSION=2.0.0'] });
    const scope = uniqueName('swarm-pol');
    const minor = await serviceOn(repository, '1.0.0', d100, scope, { 'tidewatch.policy': 'minor' });
    const narrowed = await serviceOn(repository, '1.0.0', d100, scope, {
      'tidewatch.policy': 'minor',
      'tidewatch.tags.exclude': '^1\\.2\\.',
    });

    const report = await run(scope);

    expect(entryOf(report, minor.subject)).toMatchObject({
      status: 'update-available',
      action: 'updated',
      policy: 'minor',
      currentTag: '1.0.0',
      latestTag: '1.2.0',
      latestDigest: d120,
    });
    expect(await imageOf(minor.id)).toBe(`${repository}:1.2.0@${d120}`);
    await runningOn(docker, minor.id, `${repository}:1.2.0@${d120}`);
    expect(entryOf(report, narrowed.subject)).toMatchObject({ action: 'updated', latestTag: '1.1.0' });
    expect(await imageOf(narrowed.id)).toBe(`${repository}:1.1.0@${d110}`);
    expect(historyOf(store.store, minor.subject)).toMatchObject([
      { state: 'committed', fromTag: '1.0.0', toTag: '1.2.0', fromDigest: d100, toDigest: d120 },
    ]);

    // 2.0.0 is there all along: the next run finds the service current on 1.2.0.
    const again = await run(scope);
    expect(entryOf(again, minor.subject)).toMatchObject({ status: 'current', currentTag: '1.2.0' });
    expect(entryOf(again, minor.subject)?.action).toBeUndefined();
    expect(await imageOf(minor.id)).toBe(`${repository}:1.2.0@${d120}`);
  });

  it('tidewatch.approve=true waits for a vote, then the next run applies it', async () => {
    const repository = `${lab.registry.host}/${uniqueName('approve')}`;
    const ref = `${repository}:1.0`;
    const { digest: first } = await buildAndPush(ref, { env: ['VERSION=1'] });
    const scope = uniqueName('swarm-pol');
    const { id, subject } = await serviceOn(repository, '1.0', first, scope, {
      'tidewatch.approve': 'true',
    });
    const { digest: second } = await publishUpdate(ref, { env: ['VERSION=2'] });

    const waiting = await run(scope);
    expect(entryOf(waiting, subject)).toMatchObject({
      status: 'update-available',
      action: 'skipped',
      latestDigest: second,
      waitingFor: { kind: 'approval', state: 'pending', votes: 0, required: 1 },
    });
    expect(await imageOf(id)).toBe(`${ref}@${first}`);
    const [approval] = store.store.approvals.list({ container: subject });
    expect(approval).toMatchObject({ state: 'pending', containerName: subject, toDigest: second });

    // Still waiting without a vote: nothing is sent to the swarm.
    expect(entryOf(await run(scope), subject)).toMatchObject({ action: 'skipped' });
    expect(historyOf(store.store, subject)).toEqual([]);

    // A vote from the CLI, as an operator gives it.
    expectExit(
      await runCli(['approve', '--voter', 'alice', String(approval?.id)], { TIDEWATCH_DATA_DIR: store.dir }),
    );
    const applied = await run(scope);
    expect(entryOf(applied, subject)).toMatchObject({ action: 'updated', latestDigest: second });
    expect(await imageOf(id)).toBe(`${ref}@${second}`);
    expect(store.store.approvals.list({ container: subject })[0]?.state).toBe('applied');
  });

  it('a closed window and a cooldown hold a service back, saying until when; a semver tag move waits with them', async () => {
    const repository = `${lab.registry.host}/${uniqueName('gated')}`;
    const { digest: d1 } = await buildAndPush(`${repository}:1.0.0`, { env: ['VERSION=1'] });
    const { digest: d2 } = await publishUpdate(`${repository}:1.4.0`, { env: ['VERSION=2'] });
    const scope = uniqueName('swarm-pol');
    // Two days ahead, one minute long: closed now, whatever the hour.
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 2) % 7];
    const windowed = await serviceOn(repository, '1.0.0', d1, scope, {
      'tidewatch.policy': 'semver:^1',
      'tidewatch.window': `${day} 00:00-00:01`,
      'tidewatch.timezone': 'UTC',
    });
    const cooling = await serviceOn(repository, '1.0.0', d1, scope, {
      'tidewatch.policy': 'minor',
      'tidewatch.min-age': '1h',
    });

    const report = await run(scope);

    expect(entryOf(report, windowed.subject)).toMatchObject({
      status: 'update-available',
      action: 'skipped',
      latestTag: '1.4.0',
      latestDigest: d2,
      waitingFor: { kind: 'window', window: `${day} 00:00-00:01`, timezone: 'UTC' },
    });
    expect(entryOf(report, windowed.subject)?.reason).toMatch(/^outside the maintenance window/);
    expect(entryOf(report, cooling.subject)).toMatchObject({
      action: 'skipped',
      latestTag: '1.4.0',
      waitingFor: { kind: 'cooldown', minAgeMs: 3_600_000 },
    });
    for (const { id } of [windowed, cooling]) expect(await imageOf(id)).toBe(`${repository}:1.0.0@${d1}`);
    expect(historyOf(store.store, windowed.subject)).toEqual([]);
    expect(historyOf(store.store, cooling.subject)).toEqual([]);
  });

  it('a global run leaves a service with its own schedule to it; its own (due) run checks it', async () => {
    const repository = `${lab.registry.host}/${uniqueName('ownsched')}`;
    const ref = `${repository}:1.0`;
    const { digest: first } = await buildAndPush(ref, { env: ['VERSION=1'] });
    const scope = uniqueName('swarm-pol');
    const { subject } = await serviceOn(repository, '1.0', first, scope, {
      'tidewatch.schedule': '0 0 0 1 1 *',
    });
    await publishUpdate(ref, { env: ['VERSION=2'] });
    const check = { update: false, trigger: 'schedule' } as const;

    expect(
      entryOf(await run(scope, { ...check, schedules: { isDue: () => false } }), subject),
    ).toBeUndefined();
    const due = await run(scope, { ...check, schedules: { isDue: (name) => name === subject } });
    expect(entryOf(due, subject)).toMatchObject({ status: 'update-available' });
  });

  it('`run` arms a service’s own cron: it is updated on it, and the global runs leave a yearly one alone', async () => {
    const scope = uniqueName('swarm-pol');
    const dir = mkdtempSync(join(tmpdir(), 'tw-swarm-sched-'));
    const services: Record<'frequent' | 'yearly', { id: string; subject: string; next: string }> = {
      frequent: { id: '', subject: '', next: '' },
      yearly: { id: '', subject: '', next: '' },
    };
    for (const [key, schedule] of [
      ['frequent', '*/2 * * * * *'],
      ['yearly', '0 0 0 1 1 *'],
    ] as const) {
      const repository = `${lab.registry.host}/${uniqueName(key)}`;
      const ref = `${repository}:1.0`;
      const { digest } = await buildAndPush(ref, { env: ['VERSION=1'] });
      const created = await serviceOn(repository, '1.0', digest, scope, {
        'tidewatch.schedule': schedule,
      });
      const { digest: next } = await publishUpdate(ref, { env: ['VERSION=2'] });
      services[key] = { ...created, next: `${ref}@${next}` };
    }
    const daemon = await startDaemon(['--interval', '1s', '--scope', scope, '--swarm-monitor', '1s'], {
      TIDEWATCH_DATA_DIR: dir,
    });
    let code: number | null;
    try {
      await runningOn(docker, services.frequent.id, services.frequent.next);
      const finished = (): number =>
        logLines(daemon.stderr()).filter((line) => line.msg === 'check finished').length;
      const seen = finished();
      await eventually(finished, (count) => count >= seen + 3, 40_000);
      expect(await imageOf(services.yearly.id)).not.toBe(services.yearly.next);
    } finally {
      code = await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(code).toBe(0);
    const armed = logLines(daemon.stderr())
      .filter((line) => line.msg === 'checking on its own schedule')
      .map((line) => line.container);
    expect(new Set(armed)).toEqual(new Set([services.frequent.subject, services.yearly.subject]));
  }, 180_000);
});
