import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OutboxStats } from '../store/index.js';
import type { TidewatchEvent } from '../events/index.js';
import type { RequestInfo } from '../registry/index.js';
import { UPDATE_OUTCOMES, isFinished } from '../store/index.js';
import type { CycleReport } from '../domain/run.js';
import { VERSION } from '../domain/version.js';
import { VIEW_STATUSES, type ViewStatus } from './container-info.js';
import { PendingUpdates } from './metrics-pending.js';

export type WebhookResult = 'accepted' | 'ignored' | 'unauthorized' | 'invalid' | 'disabled';

export { VIEW_STATUSES, type ViewStatus };

// A check is I/O bound: seconds without updates, minutes with verification windows.
const CHECK_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

/**
 * How often the event loop's delay is sampled for `nodejs_eventloop_lag_*` (ms). prom-client's
 * default, 10 ms, is a timer waking an idle daemon 100 times a second: 0.6 % of a core on the lab
 * machine, most of Tidewatch's idle CPU (docs/performance.md). Once a second still catches every
 * stall longer than a second, and the lag at each scrape (`nodejs_eventloop_lag_seconds`) is
 * measured then, as before.
 */
const EVENT_LOOP_SAMPLE_MS = 1000;

/**
 * Prometheus metrics, on registries of their own (never prom-client's global one, so two APIs in
 * one process, as in the tests, never share counters). `registry` is Tidewatch's (/metrics);
 * `watchtower` holds Watchtower's metric names (/v1/metrics) so its dashboards keep working.
 * Everything is fed from events, except the registry requests and webhook deliveries.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly watchtower = new Registry();
  private readonly updates: Counter<'outcome'>;
  private readonly rollbacks: Counter<'kind'>;
  private readonly checks: Counter<'trigger'>;
  private readonly checkDuration: Histogram;
  private readonly lastCheck: Gauge;
  private readonly registryRequests: Counter<'registry' | 'kind' | 'status'>;
  private readonly webhookDeliveries: Counter<'kind' | 'result'>;
  private readonly wt: {
    scanned: Gauge;
    updated: Gauge;
    failed: Gauge;
    scans: Counter;
    skipped: Counter;
  };
  private readonly pending: PendingUpdates;
  /** Reports already handed to a caller: a second caller with the same report had its run merged. */
  private readonly served = new WeakSet<CycleReport>();

  constructor(
    countByStatus: () => Promise<Readonly<Record<ViewStatus, number>>>,
    notificationStats?: () => OutboxStats,
    pendingApprovals?: () => number,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    new Gauge({
      name: 'tidewatch_build_info',
      help: 'Always 1; the labels say which Tidewatch and which Node.js run',
      labelNames: ['version', 'node'],
      registers,
    }).set({ version: VERSION, node: process.versions.node }, 1);
    this.pending = new PendingUpdates(registers);
    new Gauge({
      name: 'tidewatch_approvals_pending',
      help: 'Updates waiting for approval votes',
      registers,
      collect(this: Gauge): void {
        if (pendingApprovals) this.set(pendingApprovals());
      },
    });
    // The outbox counts the delivered rows it still holds (they are pruned after a while): the
    // counter adds each increase since the last scrape, so it only ever grows, as a counter must.
    // A delivery and a prune between two scrapes can cancel out: the counter then misses it.
    let deliveredSeen = notificationStats?.().delivered ?? 0;
    new Counter({
      name: 'tidewatch_notifications_delivered_total',
      help: 'Notification messages delivered since the start',
      registers,
      collect(this: Counter): void {
        const now = notificationStats?.().delivered;
        if (now === undefined) return;
        if (now > deliveredSeen) this.inc(now - deliveredSeen);
        deliveredSeen = now;
      },
    });
    new Gauge({
      name: 'tidewatch_notifications',
      help: 'Notification messages in the outbox, by state (failed: given up after their last attempt)',
      labelNames: ['state'],
      registers,
      collect(this: Gauge<'state'>): void {
        const stats = notificationStats?.();
        if (!stats) return;
        this.set({ state: 'pending' }, stats.pending);
        this.set({ state: 'delivered' }, stats.delivered);
        this.set({ state: 'failed' }, stats.failed);
      },
    });
    new Gauge({
      name: 'tidewatch_containers',
      help: 'Containers watched, by the status of their last check (unchecked: not yet checked)',
      labelNames: ['status'],
      registers,
      async collect(this: Gauge<'status'>): Promise<void> {
        // The engine may be down: then the last values stay, and the scrape still succeeds.
        const counts = await countByStatus().catch(() => undefined);
        if (counts) for (const status of VIEW_STATUSES) this.set({ status }, counts[status]);
      },
    });
    this.updates = new Counter({
      name: 'tidewatch_updates_total',
      help: 'Updates finished, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of UPDATE_OUTCOMES) this.updates.inc({ outcome }, 0);
    this.rollbacks = new Counter({
      name: 'tidewatch_rollbacks_total',
      help: 'Rollbacks: automatic (a new container failed verification) or manual (asked for over the API)',
      labelNames: ['kind'],
      registers,
    });
    for (const kind of ['automatic', 'manual']) this.rollbacks.inc({ kind }, 0);
    this.checks = new Counter({
      name: 'tidewatch_checks_total',
      help: 'Checks (runs) finished, by trigger',
      labelNames: ['trigger'],
      registers,
    });
    this.checkDuration = new Histogram({
      name: 'tidewatch_check_duration_seconds',
      help: 'How long a check (run) took, updates included',
      buckets: CHECK_BUCKETS,
      registers,
    });
    this.lastCheck = new Gauge({
      name: 'tidewatch_last_successful_check_timestamp_seconds',
      help: 'When the last check (run) without a failure finished, in seconds since the epoch; 0 before the first',
      registers,
    });
    this.lastCheck.set(0);
    this.registryRequests = new Counter({
      name: 'tidewatch_registry_requests_total',
      help: 'HTTP responses from registries, by registry, request kind and status (0: no response)',
      labelNames: ['registry', 'kind', 'status'],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'tidewatch_webhook_deliveries_total',
      help: 'Webhook deliveries, by kind and result',
      labelNames: ['kind', 'result'],
      registers,
    });
    const wtRegisters = [this.watchtower];
    this.wt = {
      scanned: new Gauge({
        name: 'watchtower_containers_scanned',
        help: 'Number of containers scanned for changes during the last scan',
        registers: wtRegisters,
      }),
      updated: new Gauge({
        name: 'watchtower_containers_updated',
        help: 'Number of containers updated during the last scan',
        registers: wtRegisters,
      }),
      failed: new Gauge({
        name: 'watchtower_containers_failed',
        help: 'Number of containers where the update failed during the last scan',
        registers: wtRegisters,
      }),
      scans: new Counter({
        name: 'watchtower_scans_total',
        help: 'Number of scans since the start',
        registers: wtRegisters,
      }),
      skipped: new Counter({
        name: 'watchtower_scans_skipped',
        help: 'Number of API and webhook requests served by a run another request started',
        registers: wtRegisters,
      }),
    };
  }

  observe(event: TidewatchEvent): void {
    this.pending.observe(event);
    switch (event.type) {
      case 'update-step': {
        const { state } = event.update;
        if (!isFinished(state)) return;
        this.updates.inc({ outcome: state });
        if (state === 'rolled-back') this.rollbacks.inc({ kind: 'automatic' });
        return;
      }
      case 'check-finished':
        this.checks.inc({ trigger: event.trigger });
        this.checkDuration.observe(event.durationMs / 1000);
        // A run with a failure is not a success to alert on: the timestamp then keeps its age.
        if (event.failed === 0) this.lastCheck.set(Date.now() / 1000);
        this.wt.scanned.set(event.checked);
        this.wt.updated.set(event.updated);
        this.wt.failed.set(event.failed);
        this.wt.scans.inc();
        return;
      case 'check-started':
      case 'container-checked':
      case 'update-skipped':
      case 'approval-needed':
        return;
      // A controller's halted rollout: each member counts its own rollback.
      case 'fleet-rollout-halted':
        return;
    }
  }

  registryRequest(info: RequestInfo): void {
    this.registryRequests.inc({ registry: info.registry, kind: info.kind, status: String(info.status) });
  }

  webhookDelivery(kind: string, result: WebhookResult): void {
    this.webhookDeliveries.inc({ kind, result });
  }

  manualRollback(): void {
    this.rollbacks.inc({ kind: 'manual' });
  }

  /** Called with the report each API or webhook request got: the second caller of one run was merged. */
  runServed(report: CycleReport): void {
    if (this.served.has(report)) this.wt.skipped.inc();
    else this.served.add(report);
  }
}
