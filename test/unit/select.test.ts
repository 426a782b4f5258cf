import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from '../../src/domain/index.js';
import { orderByDependencies, selectContainers, type SelectionSettings } from '../../src/updater/index.js';

function summary(name: string, labels: Record<string, string> = {}, state = 'running'): ContainerSummary {
  return { id: `id-${name}`, name, state: state as ContainerSummary['state'], imageId: 'sha256:x', labels };
}

const defaults: SelectionSettings = {
  labelEnable: false,
  disableContainers: [],
  scope: undefined,
  includeStopped: false,
  names: [],
};

function kinds(
  containers: ContainerSummary[],
  settings: Partial<SelectionSettings> = {},
): Record<string, string> {
  const { selections } = selectContainers(containers, { ...defaults, ...settings });
  return Object.fromEntries(selections.map((selection) => [selection.container.name, selection.kind]));
}

describe('selectContainers', () => {
  const containers = [
    summary('plain'),
    summary('enabled', { 'tidewatch.enable': 'true' }),
    summary('disabled', { 'com.centurylinklabs.watchtower.enable': 'false' }),
    summary('stopped', {}, 'exited'),
    summary('prod', { 'com.centurylinklabs.watchtower.scope': 'prod' }),
    summary('broken', { 'tidewatch.enable': 'perhaps' }),
    summary('watchtower', { 'com.centurylinklabs.watchtower': 'true' }),
  ];

  it("run's positional names (the containers setting) leave every other container out, whoever asks", () => {
    expect(kinds(containers, { containers: ['plain', 'prod'] })).toEqual({ plain: 'watch', prod: 'watch' });
    // A request for one name is narrowed further, never widened past the watched set.
    expect(kinds(containers, { containers: ['plain'], names: ['plain', 'enabled'] })).toEqual({
      plain: 'watch',
    });
    expect(kinds(containers, { containers: [] })).toHaveProperty('enabled', 'watch');
  });

  it('watches running containers, skips disabled ones and updaters, flags bad labels', () => {
    expect(kinds(containers)).toEqual({
      plain: 'watch',
      enabled: 'watch',
      disabled: 'skip',
      prod: 'watch',
      broken: 'invalid',
      watchtower: 'skip',
    });
  });

  it('with --label-enable watches only enabled containers', () => {
    expect(kinds(containers, { labelEnable: true })).toMatchObject({
      plain: 'skip',
      enabled: 'watch',
      prod: 'skip',
    });
  });

  it('scopes like Watchtower: a scope matches its label, "none" matches containers without one', () => {
    expect(Object.keys(kinds(containers, { scope: 'prod' }))).toEqual(['prod']);
    expect(Object.keys(kinds(containers, { scope: 'none' }))).not.toContain('prod');
  });

  it('includes stopped containers only when asked', () => {
    expect(kinds(containers, { includeStopped: true }).stopped).toBe('watch');
  });

  it('honours names and --disable-containers, and reports unknown names', () => {
    const result = selectContainers(containers, {
      ...defaults,
      names: ['plain', 'enabled', 'ghost'],
      disableContainers: ['enabled'],
    });
    expect(result.selections.map((selection) => [selection.container.name, selection.kind])).toEqual([
      ['plain', 'watch'],
      ['enabled', 'skip'],
    ]);
    expect(result.missing).toEqual(['ghost']);
  });
});

describe('orderByDependencies', () => {
  it('puts dependencies first', () => {
    const { order, cycles } = orderByDependencies(
      new Map([
        ['web', ['api']],
        ['api', ['db']],
        ['db', []],
        ['other', ['not-in-run']],
      ]),
    );
    expect(order.indexOf('db')).toBeLessThan(order.indexOf('api'));
    expect(order.indexOf('api')).toBeLessThan(order.indexOf('web'));
    expect(order).toContain('other');
    expect(cycles.size).toBe(0);
  });

  it('reports a cycle for its members and orders the rest', () => {
    const { order, cycles } = orderByDependencies(
      new Map([
        ['a', ['b']],
        ['b', ['a']],
        ['c', []],
      ]),
    );
    expect(order).toEqual(['c']);
    expect(cycles.get('a')).toBe('a → b → a');
    expect(cycles.has('b')).toBe(true);
  });
});
