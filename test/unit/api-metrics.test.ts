import { describe, expect, it } from 'vitest';
import { ApiMetrics } from '../../src/api/metrics.js';
import type { UpdateRecord } from '../../src/store/index.js';
import type { CycleReport } from '../../src/updater/index.js';
import { parsePrometheus, sampleValue } from '../support/prometheus.js';

const record = (state: UpdateRecord['state']): UpdateRecord => ({
  id: 1,
  containerName: 'web',
  containerId: 'abc',
  newContainerId: null,
  image: 'r/web:1',
  fromDigest: null,
  toDigest: null,
  fromImageId: null,
  toImageId: null,
  fromTag: null,
  toTag: null,
  trigger: 'api',
  approvedBy: [],
  actor: 'api',
  strategy: 'stop-first',
  state,
  parkedName: null,
  wasRunning: true,
  reason: null,
  logs: null,
  startedAt: 1,
  updatedAt: 1,
  finishedAt: null,
});

const counts = { current: 2, 'update-available': 1, skipped: 0, unknown: 1, unchecked: 3 };

describe('API metrics', () => {
  it('are valid Prometheus text, with every family present before anything happened', async () => {
    const metrics = new ApiMetrics(() => Promise.resolve(counts));
    const samples = parsePrometheus(await metrics.registry.metrics());
    expect(sampleValue(samples, 'tidewatch_updates_total', { outcome: 'committed' })).toBe(0);
    expect(sampleValue(samples, 'tidewatch_rollbacks_total', { kind: 'automatic' })).toBe(0);
    expect(sampleValue(samples, 'tidewatch_containers', { status: 'unchecked' })).toBe(3);
    expect(sampleValue(samples, 'tidewatch_last_successful_check_timestamp_seconds')).toBe(0);
    expect(sampleValue(samples, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    const watchtower = parsePrometheus(await metrics.watchtower.metrics());
    expect(watchtower.map((sample) => sample.name).sort()).toEqual([
      'watchtower_containers_failed',
      'watchtower_containers_scanned',
      'watchtower_containers_updated',
      'watchtower_scans_skipped',
      'watchtower_scans_total',
    ]);
  });

  it('count outcomes, rollbacks, checks and their duration from events', async () => {
    const metrics = new ApiMetrics(() => Promise.resolve(counts));
    for (const state of ['planned', 'pulled', 'verifying', 'committed'] as const) {
      metrics.observe({ type: 'update-step', update: record(state) });
    }
    metrics.observe({ type: 'update-step', update: record('rolled-back') });
    metrics.manualRollback();
    metrics.observe({
      type: 'check-finished',
      trigger: 'webhook:registry',
      checked: 4,
      updated: 1,
      failed: 1,
      durationMs: 1500,
    });
    const samples = parsePrometheus(await metrics.registry.metrics());
    expect(sampleValue(samples, 'tidewatch_updates_total', { outcome: 'committed' })).toBe(1);
    expect(sampleValue(samples, 'tidewatch_updates_total', { outcome: 'rolled-back' })).toBe(1);
    expect(sampleValue(samples, 'tidewatch_rollbacks_total', { kind: 'automatic' })).toBe(1);
    expect(sampleValue(samples, 'tidewatch_rollbacks_total', { kind: 'manual' })).toBe(1);
    expect(sampleValue(samples, 'tidewatch_checks_total', { trigger: 'webhook:registry' })).toBe(1);
    expect(sampleValue(samples, 'tidewatch_check_duration_seconds_count')).toBe(1);
    expect(sampleValue(samples, 'tidewatch_check_duration_seconds_bucket', { le: '2' })).toBe(1);
    expect(sampleValue(samples, 'tidewatch_check_duration_seconds_bucket', { le: '1' })).toBe(0);
    // That run had a failure: it is not a successful check.
    expect(sampleValue(samples, 'tidewatch_last_successful_check_timestamp_seconds')).toBe(0);
    const watchtower = parsePrometheus(await metrics.watchtower.metrics());
    expect(sampleValue(watchtower, 'watchtower_containers_scanned')).toBe(4);
    expect(sampleValue(watchtower, 'watchtower_containers_updated')).toBe(1);
    expect(sampleValue(watchtower, 'watchtower_containers_failed')).toBe(1);
    expect(sampleValue(watchtower, 'watchtower_scans_total')).toBe(1);
  });

  it('the last successful check is the last run without a failure', async () => {
    const metrics = new ApiMetrics(() => Promise.resolve(counts));
    const finished = (failed: number) =>
      metrics.observe({
        type: 'check-finished',
        trigger: 'schedule',
        checked: 2,
        updated: 0,
        failed,
        durationMs: 5,
      });
    const last = async () =>
      sampleValue(
        parsePrometheus(await metrics.registry.metrics()),
        'tidewatch_last_successful_check_timestamp_seconds',
      );
    finished(0);
    const good = await last();
    expect(good).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    finished(2);
    expect(await last()).toBe(good);
  });

  it('say which build runs, how many approvals wait, and count delivered notifications', async () => {
    let delivered = 7; // already in the outbox when the process started: not counted
    const stats = () => ({ pending: 1, delivered, failed: 0 });
    const metrics = new ApiMetrics(
      () => Promise.resolve(counts),
      stats,
      () => 3,
    );
    const samples = async () => parsePrometheus(await metrics.registry.metrics());
    let now = await samples();
    expect(sampleValue(now, 'tidewatch_build_info', { node: process.versions.node })).toBe(1);
    expect(now.find((sample) => sample.name === 'tidewatch_build_info')?.labels.version).toMatch(
      /^\d+\.\d+\.\d+/,
    );
    expect(sampleValue(now, 'tidewatch_approvals_pending')).toBe(3);
    expect(sampleValue(now, 'tidewatch_notifications_delivered_total')).toBe(0);
    delivered = 10;
    now = await samples();
    expect(sampleValue(now, 'tidewatch_notifications_delivered_total')).toBe(3);
    delivered = 2; // pruned: the counter never goes down
    now = await samples();
    expect(sampleValue(now, 'tidewatch_notifications_delivered_total')).toBe(3);
    delivered = 4;
    now = await samples();
    expect(sampleValue(now, 'tidewatch_notifications_delivered_total')).toBe(5);
  });

  it('count registry responses and webhook deliveries by their labels', async () => {
    const metrics = new ApiMetrics(() => Promise.resolve(counts));
    metrics.registryRequest({ registry: '127.0.0.1:5000', kind: 'manifest', status: 200 });
    metrics.registryRequest({ registry: '127.0.0.1:5000', kind: 'manifest', status: 200 });
    metrics.registryRequest({ registry: 'ghcr.io', kind: 'token', status: 0 });
    metrics.webhookDelivery('registry', 'accepted');
    metrics.webhookDelivery('ghcr', 'unauthorized');
    const samples = parsePrometheus(await metrics.registry.metrics());
    expect(
      sampleValue(samples, 'tidewatch_registry_requests_total', {
        registry: '127.0.0.1:5000',
        status: '200',
      }),
    ).toBe(2);
    expect(
      sampleValue(samples, 'tidewatch_registry_requests_total', {
        registry: 'ghcr.io',
        kind: 'token',
        status: '0',
      }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'tidewatch_webhook_deliveries_total', { kind: 'ghcr', result: 'unauthorized' }),
    ).toBe(1);
  });

  it('count a request served by a run another one started as a skipped scan', async () => {
    const metrics = new ApiMetrics(() => Promise.resolve(counts));
    const merged: CycleReport = { entries: [], updated: 0, failed: 0 };
    metrics.runServed(merged);
    metrics.runServed({ entries: [], updated: 0, failed: 0 });
    expect(sampleValue(parsePrometheus(await metrics.watchtower.metrics()), 'watchtower_scans_skipped')).toBe(
      0,
    );
    metrics.runServed(merged);
    expect(sampleValue(parsePrometheus(await metrics.watchtower.metrics()), 'watchtower_scans_skipped')).toBe(
      1,
    );
  });

  it('keep the last container counts when the engine does not answer', async () => {
    let answer: Promise<typeof counts> = Promise.resolve(counts);
    const metrics = new ApiMetrics(() => answer);
    await metrics.registry.metrics();
    answer = Promise.reject(new Error('engine down'));
    const samples = parsePrometheus(await metrics.registry.metrics());
    expect(sampleValue(samples, 'tidewatch_containers', { status: 'current' })).toBe(2);
  });

  it('the parser refuses text that is not Prometheus', () => {
    expect(() => parsePrometheus('# TYPE a counter\na{b="c} 1\n')).toThrow(/bad/);
    expect(() => parsePrometheus('undeclared 1\n')).toThrow(/undeclared/);
    expect(() => parsePrometheus('# TYPE a gauge\na one\n')).toThrow(/bad sample/);
    expect(parsePrometheus('# HELP a x\n# TYPE a gauge\na{b="c\\"d"} 1.5e3\n')).toEqual([
      { name: 'a', labels: { b: 'c"d' }, value: 1500 },
    ]);
  });
});
