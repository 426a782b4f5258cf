import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/index.js';
import { parseImageRef } from '../../src/domain/index.js';
import { toServiceDetails } from '../../src/swarm/map.js';
import {
  effectiveUpdateConfig,
  pinnedImage,
  specWithImage,
  strategyOf,
  withoutDigest,
} from '../../src/swarm/service-spec.js';

const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;

describe('the image a service update pins', () => {
  it.each([
    [`127.0.0.1:5000/app:1.4@${OLD}`, `127.0.0.1:5000/app:1.4@${NEW}`],
    [`nginx:1.27@${OLD}`, `nginx:1.27@${NEW}`],
    ['nginx:1.27', `nginx:1.27@${NEW}`],
    // Written without a tag: the tag it meant, so `docker service ls` still shows one.
    ['nginx', `nginx:latest@${NEW}`],
    [`localhost:5000/team/app@${OLD}`, `localhost:5000/team/app:latest@${NEW}`],
  ])('%s → %s', (image, pinned) => {
    expect(pinnedImage(image, parseImageRef(withoutDigest(image)), NEW)).toBe(pinned);
  });

  it.each([
    [`127.0.0.1:5000/app:1.4@${OLD}`, '1.6', `127.0.0.1:5000/app:1.6@${NEW}`],
    ['nginx:1.27', '1.28', `nginx:1.28@${NEW}`],
    [`localhost:5000/team/app@${OLD}`, '1.6', `localhost:5000/team/app:1.6@${NEW}`],
  ])('a tag policy moves %s to tag %s: %s, the repository as the service wrote it', (image, tag, pinned) => {
    expect(pinnedImage(image, parseImageRef(withoutDigest(image)), NEW, tag)).toBe(pinned);
  });

  it('history records the reference without its digest', () => {
    expect(withoutDigest(`127.0.0.1:5000/app:1.4@${OLD}`)).toBe('127.0.0.1:5000/app:1.4');
    expect(withoutDigest('app:1')).toBe('app:1');
  });
});

describe('the UpdateConfig of a service update', () => {
  const defaults = { order: 'start-first', failureAction: 'rollback', monitorMs: 10_000 } as const;

  it('is the service’s own when it has one, as its owner set it', () => {
    const own = {
      Parallelism: 2,
      FailureAction: 'pause',
      Monitor: 5e9,
      MaxFailureRatio: 0,
      Order: 'stop-first',
    };
    expect(effectiveUpdateConfig(own, defaults)).toBe(own);
    expect(strategyOf(own)).toBe('stop-first');
  });

  it('is Tidewatch’s default otherwise, with the monitor in nanoseconds as the API takes it', () => {
    const config = effectiveUpdateConfig(undefined, defaults);
    expect(config).toEqual({
      Parallelism: 1,
      Delay: 0,
      FailureAction: 'rollback',
      Monitor: 10_000_000_000,
      MaxFailureRatio: 0,
      Order: 'start-first',
    });
    expect(strategyOf(config)).toBe('start-first');
    // The swarm's own default order, when a config names none, is stop-first.
    expect(strategyOf({ Parallelism: 1 })).toBe('stop-first');
  });

  it('changes only the image and the UpdateConfig of the spec it sends back', () => {
    const spec = {
      Name: 'web',
      Labels: { team: 'a' },
      TaskTemplate: {
        ContainerSpec: { Image: `app:1@${OLD}`, Env: ['A=1'], Labels: { 'tidewatch.enable': 'true' } },
        RestartPolicy: { Condition: 'any' },
      },
      Mode: { Replicated: { Replicas: 3 } },
      EndpointSpec: { Mode: 'vip' },
    };
    const config = effectiveUpdateConfig(undefined, defaults);
    const sent = specWithImage(spec, `app:1@${NEW}`, config);
    expect(sent).toEqual({
      ...spec,
      TaskTemplate: {
        ...spec.TaskTemplate,
        ContainerSpec: { ...spec.TaskTemplate.ContainerSpec, Image: `app:1@${NEW}` },
      },
      UpdateConfig: config,
    });
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe(`app:1@${OLD}`);
  });
});

describe('swarm settings', () => {
  it('defaults to auto, start-first, rollback, a 10 s monitor and a 10 min timeout', () => {
    expect(loadSettings({}, {})).toMatchObject({
      swarm: 'auto',
      swarmUpdateOrder: 'start-first',
      swarmFailureAction: 'rollback',
      swarmMonitorMs: 10_000,
      swarmTimeoutMs: 600_000,
    });
  });

  it('reads flags and TIDEWATCH_SWARM_* variables, and names the source of a bad value', () => {
    const settings = loadSettings(
      { swarmMonitor: '3s' },
      { TIDEWATCH_SWARM: 'off', TIDEWATCH_SWARM_UPDATE_ORDER: 'stop-first', TIDEWATCH_SWARM_TIMEOUT: '1h' },
    );
    expect(settings).toMatchObject({
      swarm: 'off',
      swarmUpdateOrder: 'stop-first',
      swarmMonitorMs: 3000,
      swarmTimeoutMs: 3_600_000,
    });
    expect(() => loadSettings({ swarm: 'maybe' }, {})).toThrow(/^--swarm: /);
    expect(() => loadSettings({}, { TIDEWATCH_SWARM_FAILURE_ACTION: 'retry' })).toThrow(
      /^TIDEWATCH_SWARM_FAILURE_ACTION: /,
    );
  });
});

describe('a service as the engine describes it', () => {
  // Trimmed from `GET /services/{id}` of Docker 20.10, for a service made by `docker service create`.
  const inspect = {
    ID: 'kgxil85lxcfbhbcfb4r3ofgzt',
    Version: { Index: 12 },
    Spec: {
      Name: 'web',
      Labels: { 'tidewatch.enable': 'true' },
      TaskTemplate: {
        ContainerSpec: { Image: `127.0.0.1:5999/web:1@${OLD}`, Labels: { team: 'a' }, Init: false },
        Placement: { Platforms: [{ Architecture: 'amd64', OS: 'linux' }] },
        ForceUpdate: 0,
      },
      Mode: { Replicated: { Replicas: 2 } },
      UpdateConfig: {
        Parallelism: 1,
        FailureAction: 'pause',
        Monitor: 5e9,
        MaxFailureRatio: 0,
        Order: 'stop-first',
      },
      EndpointSpec: { Mode: 'vip' },
    },
    UpdateStatus: {
      State: 'rollback_completed',
      StartedAt: '2026-11-23T16:49:57.020781127Z',
      Message: 'rollback completed',
    },
  };

  it('is read into the fields Tidewatch reasons about, and keeps the spec whole', () => {
    expect(toServiceDetails(inspect)).toEqual({
      id: 'kgxil85lxcfbhbcfb4r3ofgzt',
      name: 'web',
      version: 12,
      image: `127.0.0.1:5999/web:1@${OLD}`,
      serviceLabels: { 'tidewatch.enable': 'true' },
      containerLabels: { team: 'a' },
      mode: 'replicated',
      platform: { os: 'linux', architecture: 'amd64' },
      updateConfig: inspect.Spec.UpdateConfig,
      updateStatus: {
        state: 'rollback_completed',
        message: 'rollback completed',
        startedAt: '2026-11-23T16:49:57.020781127Z',
      },
      spec: inspect.Spec,
    });
  });

  it('knows global services and jobs, and refuses an answer without what it needs', () => {
    const mode = (Mode: object): string =>
      toServiceDetails({ ...inspect, Spec: { ...inspect.Spec, Mode } }).mode;
    expect(mode({ Global: {} })).toBe('global');
    expect(mode({ ReplicatedJob: { MaxConcurrent: 1 } })).toBe('replicated-job');
    expect(mode({ GlobalJob: {} })).toBe('global-job');
    expect(() => toServiceDetails({ ...inspect, Version: undefined })).toThrow(
      /^the engine's answer about a service is not valid \(Version: /,
    );
  });
});
