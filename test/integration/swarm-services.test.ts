import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, observeJournal } from '../../src/events/index.js';
import { silentLogger } from '../../src/log/index.js';
import type { UpdateRecord } from '../../src/store/index.js';
import { runCycle, type CycleDeps, type CycleReport } from '../../src/updater/index.js';
import {
  buildAndPush,
  labDocker,
  pullImage,
  runContainer,
  startRegistry,
  uniqueName,
  type LabRegistry,
} from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { expectExit, runCli, tidewatchDeps } from '../support/tidewatch.js';
import {
  createService,
  entryOf,
  historyOf,
  runningOn,
  useSwarmStore,
  type ServiceInspect,
} from '../support/swarm.js';

describe('swarm services', () => {
  const docker = labDocker();
  const lab = useLab();
  const store = useSwarmStore(docker);

  /**
   * One update run in `scope` (each test has its own, so its runs see only its services), journaled
   * into `store`, with every journal step collected.
   */
  async function updateRun(
    scope: string,
    flags: Record<string, unknown> = {},
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ report: CycleReport; steps: UpdateRecord[] }> {
    const events = new EventBus(silentLogger());
    const steps: UpdateRecord[] = [];
    events.subscribe((event) => {
      if (event.type === 'update-step') steps.push(event.update);
    });
    const base = await tidewatchDeps({ scope, ...flags }, env);
    const deps: CycleDeps = {
      ...base,
      events,
      store: { ...store.store, journal: observeJournal(store.store.journal, events) },
    };
    const report = await runCycle(deps, {
      names: [],
      update: true,
      signal: new AbortController().signal,
      trigger: 'cli',
    });
    return { report, steps };
  }

  it('updates a service to its tag’s new digest with a start-first service update, and records it', async () => {
    const ref = `${lab.registry.host}/${uniqueName('svc')}:1.0`;
    const { digest: first } = await buildAndPush(ref, { env: ['VERSION=1'] });
    const name = uniqueName('svc');
    const scope = uniqueName('swarm-scope');
    const subject = `service:${name}`;
    // No UpdateConfig: Tidewatch's defaults apply (start-first, rollback, --swarm-monitor).
    const id = await createService(docker, name, `${ref}@${first}`, scope);
    await runningOn(docker, id, `${ref}@${first}`);
    const { digest: second } = await publishUpdate(ref, { env: ['VERSION=2'] });

    const { report, steps } = await updateRun(scope, { swarmMonitor: '1s' });

    expect(entryOf(report, subject)).toMatchObject({
      status: 'update-available',
      action: 'updated',
      id,
      image: ref,
      currentDigest: first,
      latestDigest: second,
    });
    const service = (await docker.getService(id).inspect()) as ServiceInspect;
    expect(service.Spec.TaskTemplate.ContainerSpec.Image).toBe(`${ref}@${second}`);
    expect(service.Spec.UpdateConfig).toMatchObject({
      Order: 'start-first',
      FailureAction: 'rollback',
      Monitor: 1e9,
    });
    expect(service.UpdateStatus?.State).toBe('completed');
    await runningOn(docker, id, `${ref}@${second}`);

    const [record] = historyOf(store.store, subject);
    expect(record).toMatchObject({
      containerId: id,
      image: ref,
      state: 'committed',
      strategy: 'start-first',
      fromDigest: first,
      toDigest: second,
      trigger: 'cli',
    });
    // The journal walked the start-first states, one event per step.
    expect(steps.filter((step) => step.id === record?.id).map((step) => step.state)).toEqual([
      'planned',
      'pulled',
      'new-created',
      'new-started',
      'verifying',
      'old-renamed',
      'committed',
    ]);

    // The next cycle finds it current and changes nothing.
    const again = await updateRun(scope);
    expect(entryOf(again.report, subject)).toMatchObject({ status: 'current', currentDigest: second });
    expect(entryOf(again.report, subject)?.action).toBeUndefined();
    expect(historyOf(store.store, subject)).toHaveLength(1);
  });

  it('a bad image is rolled back by the swarm, recorded as rolled-back with its message, and not tried again', async () => {
    const ref = `${lab.registry.host}/${uniqueName('bad')}:1.0`;
    const { digest: good } = await buildAndPush(ref, { env: ['VERSION=1'] });
    const name = uniqueName('bad');
    const scope = uniqueName('swarm-scope');
    const subject = `service:${name}`;
    // The service's own UpdateConfig wins over Tidewatch's defaults (no --swarm-monitor here).
    const id = await createService(docker, name, `${ref}@${good}`, scope, {
      Parallelism: 1,
      FailureAction: 'rollback',
      Monitor: 3e9,
      MaxFailureRatio: 0,
      Order: 'start-first',
    });
    await runningOn(docker, id, `${ref}@${good}`);
    // Exits at once: the swarm sees the new task fail within its monitor period.
    const { digest: bad } = await publishUpdate(ref, { cmd: ['sh', '-c', 'echo broken; exit 3'] });

    const { report } = await updateRun(scope, { swarmFailureAction: 'pause' });

    const entry = entryOf(report, subject);
    expect(entry).toMatchObject({ status: 'update-available', action: 'rolled-back', latestDigest: bad });
    expect(entry?.reason).toMatch(/^the swarm rolled the update back: .*rollback completed/);
    const service = (await docker.getService(id).inspect()) as ServiceInspect;
    expect(service.UpdateStatus?.State).toBe('rollback_completed');
    expect(service.Spec.TaskTemplate.ContainerSpec.Image).toBe(`${ref}@${good}`);
    expect(service.Spec.UpdateConfig).toMatchObject({ FailureAction: 'rollback', Monitor: 3e9 });
    await runningOn(docker, id, `${ref}@${good}`);

    const [record] = historyOf(store.store, subject);
    expect(record).toMatchObject({
      state: 'rolled-back',
      strategy: 'start-first',
      fromDigest: good,
      toDigest: bad,
    });
    // The swarm's own words, and why its task failed.
    expect(record?.reason).toContain(service.UpdateStatus?.Message ?? 'no message');
    expect(record?.reason).toMatch(/task [a-z0-9]{12}: task: non-zero exit \(3\)/);
    expect(record?.logs).toContain('non-zero exit (3)');

    // Like a container's, the digest is remembered: the next run does not send the swarm into it again.
    const again = await updateRun(scope);
    expect(entryOf(again.report, subject)).toMatchObject({ status: 'update-available', action: 'skipped' });
    expect(entryOf(again.report, subject)?.reason).toMatch(/rolled back before .*tidewatch forget service:/);
    expect(historyOf(store.store, subject)).toHaveLength(1);

    // `forget service:NAME` lets a later run try the digest again, as for a container.
    const forgot = await runCli(['forget', subject], { TIDEWATCH_DATA_DIR: store.dir });
    expectExit(forgot);
    expect(store.store.badDigests.isBad(subject, bad)).toBe(false);
  });

  it('a Tidewatch killed while following an update records, at its next start, how the swarm ended it', async () => {
    const ref = `${lab.registry.host}/${uniqueName('crash')}:1.0`;
    const { digest: first } = await buildAndPush(ref, { env: ['VERSION=1'] });
    const name = uniqueName('crash');
    const scope = uniqueName('swarm-scope');
    const id = await createService(docker, name, `${ref}@${first}`, scope);
    await runningOn(docker, id, `${ref}@${first}`);
    const { digest: second } = await publishUpdate(ref, { env: ['VERSION=2'] });
    const dataDir = mkdtempSync(join(tmpdir(), 'tw-swarm-crash-'));
    try {
      const env = { TIDEWATCH_DATA_DIR: dataDir, TIDEWATCH_SWARM_MONITOR: '1s' };
      // SIGKILLed right after the journal says the manager accepted the update.
      const killed = await runCli(['once', '--scope', scope], {
        ...env,
        TIDEWATCH_TEST_CRASH_AFTER: 'verifying',
      });
      expect(killed.code).toBeNull();
      // The swarm finishes the update without Tidewatch.
      await runningOn(docker, id, `${ref}@${second}`);

      const next = await runCli(['once', '--scope', scope], env);
      expectExit(next);
      const history = await runCli(['history', '--json', '--container', `service:${name}`], env);
      const records = JSON.parse(history.stdout) as UpdateRecord[];
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        state: 'committed',
        fromDigest: first,
        toDigest: second,
        containerId: id,
      });
      expect(records[0]?.reason).toBe(
        'Tidewatch stopped during the update (at verifying); the swarm completed it',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('with a registry that requires a login', () => {
    let secured: LabRegistry;
    const login = { username: 'swarm', password: 'p4ss word' };

    beforeAll(async () => {
      secured = await startRegistry({ htpasswd: login });
    });
    afterAll(async () => {
      await secured?.stop();
    });

    it('hands the credentials to the swarm with the update, so its nodes can pull', async () => {
      const auth = { ...login, serveraddress: secured.host };
      const ref = `${secured.host}/${uniqueName('private')}:1.0`;
      const { digest: first } = await buildAndPush(ref, {}, auth);
      // The first image is on the node already; the service itself has no credentials.
      await pullImage(`${ref}@${first}`, auth);
      const name = uniqueName('private');
      const scope = uniqueName('swarm-scope');
      const id = await createService(docker, name, `${ref}@${first}`, scope);
      await runningOn(docker, id, `${ref}@${first}`);
      const { digest: second } = await publishUpdate(ref, {}, auth);

      const { report } = await updateRun(
        scope,
        { swarmMonitor: '1s' },
        { TIDEWATCH_REPO_USER: login.username, TIDEWATCH_REPO_PASS: login.password },
      );

      expect(entryOf(report, `service:${name}`)).toMatchObject({ action: 'updated', latestDigest: second });
      await runningOn(docker, id, `${ref}@${second}`);
    });
  });

  it('check --json lists services, shares one manifest request with a container on the same image, and skips tasks as containers', async () => {
    const ref = `${lab.registry.host}/${uniqueName('shared')}:1.0`;
    const { digest } = await buildAndPush(ref);
    const name = uniqueName('shared');
    const scope = uniqueName('swarm-scope');
    const id = await createService(docker, name, `${ref}@${digest}`, scope);
    await runningOn(docker, id, `${ref}@${digest}`);
    const container = uniqueName('shared');
    await runContainer(container, ref, { Labels: { 'tidewatch.scope': scope } });
    lab.registry.resetRequests();

    const result = await runCli(['check', '--json', '--scope', scope]);

    expectExit(result);
    const entries = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(entries.find((entry) => entry.name === `service:${name}`)).toMatchObject({
      id,
      image: ref,
      status: 'current',
      currentDigest: digest,
      latestDigest: digest,
    });
    expect(entries.find((entry) => entry.name === container)).toMatchObject({ status: 'current' });
    const tasks = entries.filter((entry) => String(entry.name).startsWith(`${name}.`));
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) {
      expect(task).toMatchObject({ status: 'skipped', reason: 'a swarm task: updated through its service' });
    }
    await lab.registry.flush();
    const repository = ref.slice(lab.registry.host.length + 1, ref.lastIndexOf(':'));
    expect(lab.registry.manifestRequests(repository)).toHaveLength(1);
  });
});
