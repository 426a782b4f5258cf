import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ownSchedules, type Daemon } from '../../src/daemon/index.js';
import { loadSettings } from '../../src/config/index.js';
import type { ContainerSummary } from '../../src/domain/index.js';
import { EventBus } from '../../src/events/index.js';
import { silentLogger } from '../../src/log/index.js';
import type { RunRequest } from '../../src/scheduler/index.js';
import type { ApprovalRecord } from '../../src/store/index.js';

// The scheduling logic of the per-container schedules service, with a fake daemon and fake timers:
// which runs it asks for, and when. The engine side is tested for real in
// test/integration/policy-schedule.test.ts.

const NOW = Date.parse('2026-01-02T12:00:00Z');

function fakeDaemon(containers: ContainerSummary[], approved: ApprovalRecord[] = []) {
  const requests: RunRequest[] = [];
  const events = new EventBus();
  const daemon = {
    deps: {
      engine: { listContainers: () => Promise.resolve(containers) },
      settings: loadSettings({}, {}),
      logger: silentLogger(),
      events,
      selfId: undefined,
      store: { approvals: { list: () => approved } },
    },
    runs: {
      request: (request: RunRequest) => {
        requests.push(request);
        return Promise.resolve({ entries: [], updated: 0, failed: 0 });
      },
    },
  } as unknown as Daemon;
  return { daemon, requests, events };
}

const container = (name: string, labels: Record<string, string> = {}): ContainerSummary => ({
  id: `id-${name}`,
  name,
  state: 'running',
  imageId: 'sha256:x',
  labels,
});

describe('per-container schedules and wake-ups', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks for a run of one container when its cron fires, and says it is due meanwhile', async () => {
    const schedules = ownSchedules({ clock: () => Date.now() });
    const { daemon, requests } = fakeDaemon([
      container('own', { 'tidewatch.schedule': '*/10 * * * * *' }),
      container('plain'),
      container('broken', { 'tidewatch.schedule': 'every day' }),
    ]);
    const service = await schedules.start(daemon);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(requests).toEqual([{ trigger: 'schedule', names: ['own'] }]);
    expect(schedules.gate.isDue('own')).toBe(false);
    expect(schedules.gate.isDue('plain')).toBe(false);
    await service.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);
  });

  it('wakes a container when its wait ends, keeping the earliest wake', async () => {
    const schedules = ownSchedules({ clock: () => Date.now() });
    const { daemon, requests } = fakeDaemon([]);
    const service = await schedules.start(daemon);
    schedules.wakeAt(['web'], NOW + 60_000);
    schedules.wakeAt(['web'], NOW + 3_600_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(requests).toEqual([{ trigger: 'schedule', names: ['web'] }]);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(requests).toHaveLength(1);
    await service.stop();
  });

  it('runs each update approved outside the daemon once', async () => {
    const schedules = ownSchedules({ clock: () => Date.now(), rescanMs: 60_000 });
    const approved = [{ id: 3, containerName: 'web', state: 'approved' } as ApprovalRecord];
    const { daemon, requests, events } = fakeDaemon([], approved);
    const service = await schedules.start(daemon);
    expect(requests).toEqual([{ trigger: 'schedule', names: ['web'] }]);
    events.emit({
      type: 'check-finished',
      trigger: 'schedule',
      checked: 0,
      updated: 0,
      failed: 0,
      durationMs: 1,
    });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(requests).toHaveLength(1);
    await service.stop();
  });
});
