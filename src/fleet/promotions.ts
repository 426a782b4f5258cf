import { describeError } from '../domain/errors.js';
import { parseImageRef } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import { describeRef } from '../registry/index.js';
import type { PromotionRule } from '../config/promotion.js';
import type { Rollout } from './rollouts.js';

/** Copies `digest` of `from` to `to` (RegistryClient.copyImage). */
export type CopyImage = (from: string, digest: string, to: string, signal: AbortSignal) => Promise<void>;

export interface PromotionRecord {
  readonly to: string;
  state: 'copying' | 'copied' | 'failed';
  reason: string | null;
  at: number;
}

const normal = (ref: string): string => describeRef(parseImageRef(ref));

/**
 * Promotion rules at work (docs/fleet.md): once a rollout of a rule's FROM passed the rule's wave
 * (or every wave), its digest, the one the members verified, is copied to TO. Each rollout is
 * promoted at most once per rule; a failed copy is logged and shown, not retried on its own (a
 * rollout of the next digest promotes again).
 */
export class Promotions {
  private readonly records = new Map<number, PromotionRecord[]>();
  private readonly pending = new Set<Promise<void>>();
  private readonly rules: readonly (PromotionRule & { readonly fromRef: string })[];
  private readonly stopping = new AbortController();

  constructor(
    rules: readonly PromotionRule[],
    private readonly copy: CopyImage,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.rules = rules.map((rule) => ({ ...rule, fromRef: normal(rule.from) }));
  }

  afterWave(rollout: Rollout, wave: number): void {
    for (const rule of this.rules)
      if (rule.fromRef === rollout.ref && rule.afterWave === wave) this.start(rollout, rule);
  }

  /** The whole rollout passed: every rule of its reference not promoted yet. */
  afterDone(rollout: Rollout): void {
    for (const rule of this.rules) if (rule.fromRef === rollout.ref) this.start(rollout, rule);
  }

  of(rollout: number): readonly PromotionRecord[] {
    return this.records.get(rollout) ?? [];
  }

  async settled(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.pending);
  }

  private start(rollout: Rollout, rule: PromotionRule): void {
    const records = this.records.get(rollout.id) ?? [];
    if (records.some((record) => record.to === rule.to)) return;
    const record: PromotionRecord = { to: rule.to, state: 'copying', reason: null, at: this.clock() };
    records.push(record);
    this.records.set(rollout.id, records);
    const about = { rollout: rollout.id, from: rollout.ref, to: rule.to, digest: rollout.digest };
    this.logger.info(about, 'promotion started');
    const done = this.copy(rollout.ref, rollout.digest, rule.to, this.stopping.signal).then(
      () => {
        record.state = 'copied';
        record.at = this.clock();
        this.logger.info(about, 'promoted');
      },
      (error: unknown) => {
        record.state = 'failed';
        record.reason = describeError(error);
        record.at = this.clock();
        this.logger.error({ ...about, reason: record.reason }, 'promotion failed');
      },
    );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }
}
