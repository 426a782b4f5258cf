import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/index.js';
import type { ContainerSummary } from '../../src/domain/index.js';
import { selectServices, type ServiceDetails } from '../../src/swarm/index.js';
import { selectContainers } from '../../src/updater/index.js';

function service(name: string, overrides: Partial<ServiceDetails> = {}): ServiceDetails {
  return {
    id: `id-${name}`,
    name,
    version: 1,
    image: `registry.example/${name}:1.0@sha256:${'a'.repeat(64)}`,
    serviceLabels: {},
    containerLabels: {},
    mode: 'replicated',
    platform: undefined,
    updateConfig: undefined,
    updateStatus: undefined,
    spec: {},
    ...overrides,
  };
}

const defaults = loadSettings({}, {});

function outcome(
  services: ServiceDetails[],
  settings: Partial<Parameters<typeof selectServices>[1]> = {},
): Record<string, string> {
  const { selections } = selectServices(services, { ...defaults, names: [], ...settings });
  return Object.fromEntries(
    selections.map((selection) => [
      selection.subject,
      selection.kind === 'watch' ? 'watch' : `${selection.kind}: ${selection.reason}`,
    ]),
  );
}

describe('selectServices', () => {
  it('reads the service labels over its tasks’ container labels, with Watchtower’s names too', () => {
    const services = [
      service('plain'),
      service('off', { serviceLabels: { 'tidewatch.enable': 'false' } }),
      service('task-off', { containerLabels: { 'com.centurylinklabs.watchtower.enable': 'false' } }),
      service('service-wins', {
        serviceLabels: { 'tidewatch.enable': 'true' },
        containerLabels: { 'tidewatch.enable': 'false' },
      }),
      service('broken', { serviceLabels: { 'tidewatch.monitor-only': 'sometimes' } }),
      service('updater', { serviceLabels: { 'tidewatch.self': 'true' } }),
    ];
    expect(outcome(services)).toEqual({
      'service:plain': 'watch',
      'service:off': 'skip: disabled by its enable label',
      'service:task-off': 'skip: disabled by its enable label',
      'service:service-wins': 'watch',
      'service:broken': 'invalid: label tidewatch.monitor-only="sometimes" must be true or false',
      'service:updater': 'skip: it is an updater (Tidewatch or Watchtower) and is never updated in a cycle',
    });
  });

  it('follows --label-enable, --disable-containers (by service: name) and --scope as containers do', () => {
    const services = [
      service('a', { serviceLabels: { 'tidewatch.enable': 'true', 'tidewatch.scope': 'prod' } }),
      service('b'),
      service('c', { containerLabels: { 'com.centurylinklabs.watchtower.scope': 'prod' } }),
    ];
    expect(outcome(services, { labelEnable: true })).toMatchObject({
      'service:a': 'watch',
      'service:b': 'skip: not enabled by label (--label-enable is set)',
    });
    expect(outcome(services, { disableContainers: ['service:b', 'c'] })).toMatchObject({
      'service:b': 'skip: listed in --disable-containers',
      'service:c': 'watch',
    });
    expect(Object.keys(outcome(services, { scope: 'prod' }))).toEqual(['service:a', 'service:c']);
    expect(Object.keys(outcome(services, { scope: 'none' }))).toEqual(['service:b']);
  });

  it('leaves jobs, non-container services and --no-pull alone', () => {
    const services = [
      service('job', { mode: 'replicated-job' }),
      service('global-job', { mode: 'global-job' }),
      service('global', { mode: 'global' }),
      service('plugin', { image: '' }),
      service('local', { serviceLabels: { 'tidewatch.no-pull': 'true' } }),
    ];
    expect(outcome(services)).toEqual({
      'service:job': 'skip: a job: it runs to completion, and an update would run it again',
      'service:global-job': 'skip: a job: it runs to completion, and an update would run it again',
      'service:global': 'watch',
      'service:plugin': 'skip: not a container service',
      'service:local': 'skip: no-pull: a service can only be checked against its registry',
    });
    expect(outcome([service('any')], { noPull: true })).toEqual({
      'service:any': 'skip: no-pull: a service can only be checked against its registry',
    });
  });

  it('gives every watched service its policy, its labels over the settings, as a container; pin is skipped', () => {
    const services = [
      service('pinned', { serviceLabels: { 'tidewatch.policy': 'pin' } }),
      service('minor', { serviceLabels: { 'tidewatch.policy': 'minor', 'tidewatch.approve': 'true' } }),
      service('window', { containerLabels: { 'tidewatch.window': 'Sat 02:00-05:00' } }),
      service('always', { serviceLabels: { 'tidewatch.window': 'always' } }),
      service('own-cron', { serviceLabels: { 'tidewatch.schedule': '0 0 3 * * *' } }),
      service('bad', { serviceLabels: { 'tidewatch.policy': 'sideways' } }),
    ];
    const windowed = loadSettings({ window: 'Sun 01:00-02:00', minAge: '1h' }, {});
    const { selections } = selectServices(services, { ...windowed, names: [] });
    const policies = Object.fromEntries(
      selections.map((selection) => [
        selection.subject,
        selection.kind === 'watch'
          ? {
              policy: selection.policy.policy.kind,
              window: selection.policy.window?.text,
              approvals: selection.policy.approvals,
              minAgeMs: selection.policy.minAgeMs,
              schedule: selection.policy.schedule,
            }
          : `${selection.kind}: ${selection.reason}`,
      ]),
    );
    expect(policies).toEqual({
      'service:pinned': 'skip: its policy is pin: it is never updated',
      'service:minor': { policy: 'minor', window: 'Sun 01:00-02:00', approvals: 1, minAgeMs: 3_600_000 },
      'service:window': { policy: 'digest', window: 'Sat 02:00-05:00', approvals: 0, minAgeMs: 3_600_000 },
      // `always` opts it out of the global window.
      'service:always': { policy: 'digest', window: undefined, approvals: 0, minAgeMs: 3_600_000 },
      'service:own-cron': {
        policy: 'digest',
        window: 'Sun 01:00-02:00',
        approvals: 0,
        minAgeMs: 3_600_000,
        schedule: '0 0 3 * * *',
      },
      'service:bad': expect.stringMatching(/^invalid: .*tidewatch\.policy/) as unknown,
    });
  });

  it('takes service:NAME from the command line; container names alone select no service', () => {
    const services = [service('a'), service('b')];
    expect(
      selectServices(services, { ...defaults, names: ['service:b', 'service:gone', 'web'] }),
    ).toMatchObject({
      selections: [{ subject: 'service:b' }],
      missing: ['service:gone'],
    });
    expect(selectServices(services, { ...defaults, names: ['web'] })).toEqual({
      selections: [],
      missing: [],
    });
  });
});

describe('selectContainers and swarm tasks', () => {
  const summary = (name: string, labels: Record<string, string> = {}): ContainerSummary => ({
    id: `id-${name}`,
    name,
    state: 'running',
    imageId: 'sha256:x',
    labels,
  });

  it('never watches a swarm task as a container, and does not call service: names missing containers', () => {
    const task = summary('web.1.k2j3h4', {
      'com.docker.swarm.service.id': 'abc',
      'tidewatch.enable': 'true',
    });
    const { selections, missing } = selectContainers([task, summary('db')], {
      labelEnable: false,
      disableContainers: [],
      scope: undefined,
      includeStopped: false,
      names: ['web.1.k2j3h4', 'db', 'service:web', 'gone'],
    });
    expect(selections.map((selection) => [selection.container.name, selection.kind])).toEqual([
      ['web.1.k2j3h4', 'skip'],
      ['db', 'watch'],
    ]);
    expect(selections[0]).toMatchObject({ reason: 'a swarm task: updated through its service' });
    expect(missing).toEqual(['gone']);
  });
});
