import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PendingUpdates } from '../../src/api/metrics-pending.js';
import type { TidewatchEvent } from '../../src/events/index.js';
import { parsePrometheus } from '../support/prometheus.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;

function setup() {
  const registry = new Registry();
  let now = 1_000_000;
  const pending = new PendingUpdates([registry], () => now);
  const series = async () =>
    parsePrometheus(await registry.metrics())
      .filter((sample) => sample.name === 'tidewatch_update_pending_since_seconds')
      .map((sample): Record<string, string | number> => ({ ...sample.labels, since: sample.value }));
  const checked = (container: string, status: 'update-available' | 'current' | 'unknown', extra = {}): void =>
    pending.observe({
      type: 'container-checked',
      container,
      image: `r/${container}:1.0.0`,
      status,
      currentDigest: A,
      latestDigest: B,
      currentTag: '1.0.0',
      ...extra,
    });
  const run = (names: string[], body: () => void, targeted = false): void => {
    pending.observe({
      type: 'check-started',
      trigger: 'schedule',
      names,
      ...(targeted && { targeted: true }),
    });
    body();
    pending.observe({
      type: 'check-finished',
      trigger: 'schedule',
      checked: 1,
      updated: 0,
      failed: 0,
      durationMs: 1,
    });
  };
  const observe = (event: TidewatchEvent): void => pending.observe(event);
  return { series, checked, run, observe, tick: (ms: number) => (now += ms) };
}

describe('tidewatch_update_pending_since_seconds', () => {
  it('one series per pending update, with its kind, since it was first seen', async () => {
    const { series, checked, run, tick } = setup();
    run([], () => {
      checked('web', 'update-available', { latestTag: '1.1.0' });
      checked('db', 'update-available');
      checked('ok', 'current');
    });
    expect(await series()).toEqual([
      { container: 'web', image: 'r/web:1.0.0', kind: 'minor', since: 1000 },
      { container: 'db', image: 'r/db:1.0.0', kind: 'digest', since: 1000 },
    ]);
    tick(60_000);
    // Seen again: the same since. A newer digest: a new since. Unknown: still pending.
    run([], () => {
      checked('web', 'update-available', { latestTag: '1.1.0' });
      checked('db', 'unknown');
    });
    tick(60_000);
    run([], () => {
      checked('web', 'update-available', { latestTag: '1.1.0', latestDigest: C });
      checked('db', 'current');
    });
    expect(await series()).toEqual([{ container: 'web', image: 'r/web:1.0.0', kind: 'minor', since: 1120 }]);
  });

  it('an update committed in the same run is no longer pending', async () => {
    const { series, checked, run, observe } = setup();
    run([], () => checked('web', 'update-available'));
    expect(await series()).toHaveLength(1);
    observe({ type: 'update-step', update: { containerName: 'web', state: 'verifying' } } as TidewatchEvent);
    expect(await series()).toHaveLength(1);
    observe({ type: 'update-step', update: { containerName: 'web', state: 'committed' } } as TidewatchEvent);
    expect(await series()).toEqual([]);
  });

  it('a full check that no longer lists a container drops it; a targeted or named one does not', async () => {
    const { series, checked, run } = setup();
    run([], () => checked('web', 'update-available'));
    run(['other'], () => undefined);
    run([], () => undefined, true);
    expect((await series()).map((s) => s.container)).toEqual(['web']);
    run([], () => undefined);
    expect(await series()).toEqual([]);
  });
});
