import { describe, expect, it } from 'vitest';
import type { ContainerDetails } from '../../src/domain/index.js';
import { linkTargets, planGroup } from '../../src/updater/group.js';

function container(
  name: string,
  options: { mode?: string; links?: string[]; state?: ContainerDetails['state'] } = {},
): ContainerDetails {
  return {
    id: `${name}-0123456789abcdef`,
    name,
    state: options.state ?? 'running',
    restartCount: 0,
    imageId: `sha256:${name}`,
    config: { Image: `${name}:1` },
    hostConfig: {
      ...(options.mode ? { NetworkMode: options.mode } : {}),
      ...(options.links ? { Links: options.links } : {}),
    },
    mounts: [],
    networks: {},
  };
}

const roles = (members: ReturnType<typeof planGroup>): string[] =>
  members.map(
    (m) =>
      `${m.details.name}:${m.role}${m.namespaceOf ? `<${m.namespaceOf}` : ''}${m.linksTo.length ? `~${m.linksTo.join(',')}` : ''}`,
  );

describe('planGroup: what each dependent of an updated container must do', () => {
  const app = container('app');
  const cases: Array<[string, ContainerDetails[], string[], string[]]> = [
    [
      'a namespace sharer is recreated',
      [container('side', { mode: 'container:app' })],
      [],
      ['app:update', 'side:recreate<app'],
    ],
    [
      'a namespace chain is followed to its end (by id prefix too)',
      [container('side', { mode: 'container:app' }), container('side2', { mode: 'container:side-0123' })],
      [],
      ['app:update', 'side:recreate<app', 'side2:recreate<side'],
    ],
    [
      'a link client is recreated',
      [container('web', { links: ['/app:/web/db'] })],
      [],
      ['app:update', 'web:recreate~app'],
    ],
    ['a depends-on client is restarted', [container('ui')], [], ['app:update', 'ui:restart']],
    ['a stopped depends-on client is left alone', [container('ui', { state: 'exited' })], [], ['app:update']],
    [
      'a stopped link client is still recreated (it could never start again)',
      [container('web', { links: ['/app:/web/db'], state: 'exited' })],
      [],
      ['app:update', 'web:recreate~app'],
    ],
    [
      'a dependent with its own update gets it, and its own sharer follows it',
      [container('side', { mode: 'container:app' }), container('side2', { mode: 'container:side' })],
      ['side'],
      ['app:update', 'side:update<app', 'side2:recreate<side'],
    ],
    [
      'a client of a restarted dependent is only restarted',
      [container('ui'), container('web', { links: ['/ui:/web/ui'] })],
      [],
      ['app:update', 'ui:restart', 'web:restart~ui'],
    ],
  ];
  it.each(cases)('%s', (_what, dependents, own, expected) => {
    expect(roles(planGroup(app, dependents, new Set(own)))).toEqual(expected);
  });

  it('reads a link to a parked copy as a link to its name', () => {
    expect(linkTargets(container('web', { links: ['/app-tidewatch-old-lz3k:/web/db'] }))).toEqual(['app']);
  });
});
