import { describe, expect, it } from 'vitest';
import { ownContainerIdFromMountinfo } from '../../src/engine/index.js';
import { buildDependencyGraph, type DependencyNode } from '../../src/updater/index.js';

function node(name: string, extra: Partial<DependencyNode> = {}): DependencyNode {
  return {
    name,
    id: `${name}-id`.padEnd(64, '0'),
    labels: {},
    dependsOn: [],
    links: [],
    networkMode: 'default',
    ...extra,
  };
}

describe('buildDependencyGraph', () => {
  it('reads links, shared network namespaces, depends-on labels and compose depends_on', () => {
    const graph = buildDependencyGraph([
      node('db'),
      node('web', { links: ['/db:/web/database'] }),
      node('sidecar', { networkMode: `container:${'web-id'.padEnd(64, '0').slice(0, 12)}` }),
      node('worker', { dependsOn: ['web'] }),
      node('proj-api-1', {
        labels: { 'com.docker.compose.project': 'proj', 'com.docker.compose.service': 'api' },
      }),
      node('proj-ui-1', {
        labels: {
          'com.docker.compose.project': 'proj',
          'com.docker.compose.service': 'ui',
          'com.docker.compose.depends_on': 'api:service_started:false',
        },
      }),
      node('other-ui-1', {
        labels: { 'com.docker.compose.project': 'other', 'com.docker.compose.depends_on': 'api' },
      }),
    ]);
    expect(graph.dependentsOf('db')).toEqual(['web', 'sidecar', 'worker']);
    expect(graph.dependentsOf('web')).toEqual(['sidecar', 'worker']);
    expect(graph.sharesNetworkOf('sidecar', 'web')).toBe(true);
    expect(graph.sharesNetworkOf('worker', 'web')).toBe(false);
    expect(graph.dependentsOf('proj-api-1')).toEqual(['proj-ui-1']);
    const order = graph.order;
    expect(order.indexOf('db')).toBeLessThan(order.indexOf('web'));
    expect(order.indexOf('web')).toBeLessThan(order.indexOf('sidecar'));
    expect(order).toContain('other-ui-1');
  });

  it('resolves network mode by name as well as by id', () => {
    const graph = buildDependencyGraph([node('vpn'), node('app', { networkMode: 'container:vpn' })]);
    expect(graph.dependentsOf('vpn')).toEqual(['app']);
    expect(graph.sharesNetworkOf('app', 'vpn')).toBe(true);
  });

  it('reports a cycle for its members and leaves them out of the order', () => {
    const graph = buildDependencyGraph([
      node('a', { dependsOn: ['b'] }),
      node('b', { dependsOn: ['a'] }),
      node('c', { dependsOn: ['a'] }),
      node('d'),
    ]);
    expect(graph.cycles.get('a')).toMatch(/a → b → a|b → a → b/);
    expect(graph.cycles.has('b')).toBe(true);
    expect(graph.order).toContain('d');
    expect(graph.order).not.toContain('a');
  });

  it('ignores dependencies on containers it does not know', () => {
    const graph = buildDependencyGraph([node('app', { dependsOn: ['gone'], links: ['/missing:/app/m'] })]);
    expect(graph.order).toEqual(['app']);
  });
});

describe('ownContainerIdFromMountinfo', () => {
  const id = 'ab'.repeat(32);
  it('finds the container id in the hostname bind mount', () => {
    const mountinfo = [
      '612 590 0:53 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X',
      `623 612 254:1 /var/lib/docker/containers/${id}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda1 rw`,
      `624 612 254:1 /var/lib/docker/containers/${id}/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw`,
    ].join('\n');
    expect(ownContainerIdFromMountinfo(mountinfo)).toBe(id);
  });
  it('is undefined on a host', () => {
    expect(
      ownContainerIdFromMountinfo('22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n'),
    ).toBeUndefined();
  });
});
