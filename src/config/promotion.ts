import { TidewatchError, parseImageRef } from '../domain/index.js';

/** A promotion rule (docs/fleet.md): copy a verified digest of `from` to `to` once it passed a wave. */
export interface PromotionRule {
  readonly from: string;
  readonly to: string;
  /** The wave it must pass first; null: the whole rollout (every wave). */
  readonly afterWave: number | null;
}

const RULE = /^([^=\s]+)=([^=@\s]+)(?:@(\d{1,4}))?$/;

/** `FROM=TO[@WAVE]`, one per entry; both references name a tag. A bad one names its source. */
export function parsePromotionRules(entries: readonly string[], source: string): PromotionRule[] {
  return entries.map((entry) => {
    const match = RULE.exec(entry.trim());
    const fail = (why: string): never => {
      throw new TidewatchError('invalid-config', `${source}: promotion rule "${entry}": ${why}`);
    };
    if (!match) return fail('expected FROM=TO or FROM=TO@WAVE (two image references with tags)');
    const [, from = '', to = '', wave] = match;
    for (const ref of [from, to]) {
      let parsed;
      try {
        parsed = parseImageRef(ref);
      } catch (error) {
        return fail(error instanceof Error ? error.message : String(error));
      }
      if (parsed.digest !== undefined) fail(`${ref} is pinned to a digest; name a tag`);
    }
    if (from === to) fail('FROM and TO are the same reference');
    return { from, to, afterWave: wave === undefined ? null : Number(wave) };
  });
}
