import { readingPolicyState } from '../../src/pipeline/index.js';
import { describe, expect, it } from 'vitest';
import { loadSettings, type FlagValues } from '../../src/config/index.js';
import { EventBus, type TidewatchEvent } from '../../src/events/index.js';
import { silentLogger } from '../../src/log/index.js';
import type { RegistrySession } from '../../src/registry/index.js';
import {
  runServiceCycle,
  type ServiceDetails,
  type SwarmEngine,
  type SwarmUpdateStatus,
} from '../../src/swarm/index.js';
import type { CycleEntry } from '../../src/updater/index.js';

const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;

function service(name: string, overrides: Partial<ServiceDetails> = {}): ServiceDetails {
  return {
    id: `id-${name}`,
    name,
    version: 1,
    image: `registry.example/${name}:1.0@${OLD}`,
    serviceLabels: {},
    containerLabels: {},
    mode: 'replicated',
    platform: { os: 'linux', architecture: 'amd64' },
    updateConfig: undefined,
    updateStatus: undefined,
    spec: {},
    ...overrides,
  };
}

/** A swarm that never changes: these tests are about what the cycle decides before any update. */
function fakeSwarm(
  manager: boolean,
  services: ServiceDetails[] | Error,
): SwarmEngine & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    state: () => {
      calls.push('state');
      return Promise.resolve({ manager, nodeState: manager ? 'active' : 'inactive' });
    },
    platform: () => Promise.resolve({ os: 'linux', architecture: 'amd64' }),
    listServices: () => {
      calls.push('listServices');
      return services instanceof Error ? Promise.reject(services) : Promise.resolve(services);
    },
    inspectService: () => Promise.reject(new Error('not expected')),
    updateService: () => {
      calls.push('updateService');
      return Promise.reject(new Error('not expected'));
    },
    listTasks: () => Promise.resolve([]),
  };
}

/** The registry says every tag has moved on to NEW. */
const registry: RegistrySession = {
  resolve: () => Promise.resolve({ kind: 'update-available', remoteDigest: NEW }),
  tagDigest: () => Promise.reject(new Error('not expected')),
  listTags: () => Promise.reject(new Error('not expected')),
  imageCreated: () => Promise.reject(new Error('not expected')),
  signatureDigest: () => Promise.reject(new Error('not expected')),
  cosignSignatures: () => Promise.reject(new Error('not expected')),
  sigstoreReferrers: () => Promise.reject(new Error('not expected')),
  sigstoreBundle: () => Promise.reject(new Error('not expected')),
};

async function cycle(
  swarm: SwarmEngine,
  flags: FlagValues = {},
  update = true,
): Promise<{ entries: Map<string, CycleEntry>; events: TidewatchEvent[] }> {
  const events: TidewatchEvent[] = [];
  const bus = new EventBus();
  bus.subscribe((event) => events.push(event));
  const entries = new Map<string, CycleEntry>();
  await runServiceCycle(
    {
      swarm,
      credentials: { get: () => Promise.resolve(undefined) },
      logger: silentLogger(),
      settings: loadSettings(flags, {}),
      events: bus,
    },
    { names: [], update, signal: new AbortController().signal, trigger: 'cli' },
    { registry, policyState: readingPolicyState(undefined, undefined) },
    entries,
  );
  return { entries, events };
}

const status = (state: string, message: string): SwarmUpdateStatus => ({ state, message, startedAt: 't' });

describe('runServiceCycle', () => {
  it('asks nothing more of an engine that is not a manager; with --swarm on, says so', async () => {
    const quiet = fakeSwarm(false, []);
    expect((await cycle(quiet)).entries.size).toBe(0);
    expect(quiet.calls).toEqual(['state']);

    const { entries } = await cycle(fakeSwarm(false, []), { swarm: 'on' });
    expect(entries.get('service:*')).toMatchObject({
      status: 'unknown',
      reason: 'the engine is not a swarm manager (swarm inactive), and --swarm is on',
    });
  });

  it('with --swarm off never asks the engine', async () => {
    const swarm = fakeSwarm(true, [service('web')]);
    expect((await cycle(swarm, { swarm: 'off' })).entries.size).toBe(0);
    expect(swarm.calls).toEqual([]);
  });

  it('reports services it cannot list as unknown, and leaves containers’ entries alone', async () => {
    const { entries } = await cycle(fakeSwarm(true, new Error('engine-error: listing services: boom')));
    expect(entries.get('service:*')).toMatchObject({
      status: 'unknown',
      reason: 'services: engine-error: listing services: boom',
    });
  });

  it('does not send the swarm into a service that is busy, paused, or only monitored', async () => {
    const swarm = fakeSwarm(true, [
      service('busy', { updateStatus: status('updating', 'update in progress') }),
      service('paused', { updateStatus: status('paused', 'update paused due to failure of task x') }),
      service('watched', { serviceLabels: { 'tidewatch.monitor-only': 'true' } }),
    ]);
    const { entries, events } = await cycle(swarm);
    expect(entries.get('service:busy')).toMatchObject({
      status: 'update-available',
      action: 'skipped',
      reason: 'the swarm is already updating it (updating: update in progress)',
      currentDigest: OLD,
      latestDigest: NEW,
    });
    expect(entries.get('service:paused')).toMatchObject({ action: 'skipped' });
    expect(entries.get('service:paused')?.reason).toMatch(
      /^its last update is paused \(update paused due to failure of task x\): resume it/,
    );
    expect(entries.get('service:watched')).toMatchObject({ action: 'monitor-only' });
    expect(swarm.calls).not.toContain('updateService');
    // One container-checked event per service, with what the check found.
    const checked = events.filter((event) => event.type === 'container-checked');
    expect(checked.map((event) => event.container).sort()).toEqual([
      'service:busy',
      'service:paused',
      'service:watched',
    ]);
  });

  it('in a check, reports an available update and changes nothing', async () => {
    const swarm = fakeSwarm(true, [service('web')]);
    const { entries } = await cycle(swarm, {}, false);
    expect(entries.get('service:web')).toEqual({
      name: 'service:web',
      id: 'id-web',
      image: 'registry.example/web:1.0',
      status: 'update-available',
      policy: 'digest',
      currentTag: '1.0',
      currentDigest: OLD,
      latestDigest: NEW,
      reason: undefined,
    });
    expect(swarm.calls).not.toContain('updateService');
  });
});
