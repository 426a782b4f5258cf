import type { Settings } from '../config/index.js';
import type { EventBus } from '../events/index.js';
import type { RegistrySession } from '../registry/index.js';
import type { SignatureGate } from '../signature/index.js';
import type { BadDigests, UpdateTrigger } from '../store/index.js';
import type { CheckResult, CycleEntry } from '../domain/run.js';
import type { GateCandidate } from './candidate.js';
import { evaluateGates } from './gates.js';
import { recordRefusal, type RefusalStore } from './refusal-record.js';
import { signatureRefusal } from './signature-check.js';
import type { PolicyState } from './policy-state.js';

export interface HoldBackDeps {
  readonly settings: Pick<Readonly<Settings>, 'monitorOnly'>;
  readonly events?: EventBus | undefined;
  readonly store?: ({ readonly badDigests: Pick<BadDigests, 'isBad'> } & Partial<RefusalStore>) | undefined;
  /** Asks for a run of `names` at `at` (epoch ms): when a window opens or a cooldown ends. */
  readonly wakeAt?: ((names: readonly string[], at: number) => void) | undefined;
  /** The signature gate, when --signature-key names keys (src/signature). */
  readonly signatures?: SignatureGate | undefined;
}

export interface HoldBackContext {
  readonly update: boolean;
  readonly now: number;
  readonly state: PolicyState;
  readonly registry: RegistrySession;
  readonly signal: AbortSignal;
  /** What started the run: a signature refusal's history row records it. */
  readonly trigger?: UpdateTrigger | undefined;
}

export interface HeldBack {
  /** Subjects whose update waits: not applied in this run. */
  readonly held: ReadonlySet<string>;
  /** Subjects going ahead under an approval, by approval id: marked applied once updated. */
  readonly approvals: ReadonlyMap<string, number>;
}

/**
 * Runs every available update through its policy's gates (signature, cooldown, approval, window),
 * for any subject kind. One that waits keeps `update-available` with the reason and `waitingFor`;
 * in an update run it is also `skipped`, `update-skipped` is emitted, and a run is asked for when
 * its wait ends (a window opens, a cooldown passes) so it does not wait for the next global check.
 * One refused for its signature is `unknown`: nobody can say it is a real update; an update run
 * records it in the history (src/pipeline/refusal-record.ts).
 */
export async function holdBack(
  deps: HoldBackDeps,
  context: HoldBackContext,
  checked: readonly GateCandidate[],
  entries: Map<string, CycleEntry>,
): Promise<HeldBack> {
  const { settings, events } = deps;
  const held = new Set<string>();
  const approvals = new Map<string, number>();
  if (context.update) {
    for (const expired of context.state.expireDue()) {
      skipped(
        events,
        expired.containerName,
        expired.image,
        `approval ${expired.id} expired without enough votes`,
        expired.toDigest,
      );
    }
  }
  for (const item of checked) {
    const { result, policy, labels } = item;
    if (result.status !== 'update-available' || policy === undefined || labels === undefined) continue;
    // Never applied anyway: nothing to wait for, nobody to ask.
    if (settings.monitorOnly || labels.monitorOnly) continue;
    // A digest that was rolled back is refused later, with its own reason; nobody is asked about it.
    if (result.latestDigest !== undefined && deps.store?.badDigests.isBad(result.name, result.latestDigest))
      continue;
    const refused = policy.requireSignature
      ? await signatureRefusal(deps.signatures, context, item)
      : undefined;
    if (refused !== undefined) {
      held.add(result.name);
      const entry: CheckResult = { ...result, status: 'unknown', reason: refused };
      entries.set(result.name, context.update ? { ...entry, action: 'skipped' } : entry);
      if (context.update) refusedForSignature(deps, context, item, refused);
      continue;
    }
    const verdict = await evaluateGates(
      { ...context, events: context.update ? events : undefined },
      item,
      policy,
    );
    if (verdict.go) {
      if (verdict.approvalId !== undefined) approvals.set(result.name, verdict.approvalId);
      continue;
    }
    held.add(result.name);
    const entry: CheckResult = { ...result, reason: verdict.reason, waitingFor: verdict.wait };
    entries.set(result.name, context.update ? { ...entry, action: 'skipped' } : entry);
    if (!context.update) continue;
    skipped(events, result.name, result.image, verdict.reason, result.latestDigest);
    if (verdict.wait.kind === 'cooldown' || verdict.wait.kind === 'window')
      deps.wakeAt?.([result.name], verdict.wait.until);
  }
  return { held, approvals };
}

/**
 * With a store, the refusal is a `failed` history row, once per digest and reason; its update-step
 * event is the event and the notification. Without one (an update run wired without a store, as
 * some tests do), a skip event.
 */
function refusedForSignature(
  deps: HoldBackDeps,
  context: HoldBackContext,
  item: GateCandidate,
  reason: string,
): void {
  const { journal, history } = deps.store ?? {};
  if (journal !== undefined && history !== undefined)
    recordRefusal({ journal, history }, item, reason, context.trigger ?? 'cli');
  else skipped(deps.events, item.result.name, item.result.image, reason, item.result.latestDigest);
}

function skipped(
  events: EventBus | undefined,
  container: string,
  image: string,
  reason: string,
  toDigest: string | undefined,
): void {
  events?.emit({ type: 'update-skipped', container, image, toDigest, reason });
}
