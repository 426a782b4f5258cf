import { readProxyLabels, type ProxyLabels } from '../config/index.js';
import type { ContainerDetails } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import { pointProxyAt } from '../proxy/index.js';
import type { PlanRecord } from '../store/index.js';

/**
 * The container's proxy labels. They were checked when it was selected; a container that does not
 * parse any more (relabelled since) has no proxy to switch here rather than a failed update half
 * way through.
 */
export function proxyOf(details: ContainerDetails): ProxyLabels | undefined {
  try {
    return readProxyLabels(details.config.Labels ?? {});
  } catch {
    return undefined;
  }
}

/**
 * Undo's first step for a start-first plan: every proxy that may have been switched to a successor
 * points at the original again, before any successor is removed, so no request is sent to a
 * container that is about to go. A proxy that cannot be told throws: the undo stops with the
 * successor still serving, and the next run tries again (a successor is never removed while the
 * proxy may still send to it). Idempotent.
 */
export async function pointProxiesBack(
  engine: Engine,
  plan: PlanRecord,
  logStep: (member: string, action: string) => void,
): Promise<void> {
  if (plan.strategy !== 'start-first') return;
  for (const member of plan.members) {
    const original = await engine.inspectContainer(member.originalId);
    const proxy = original && proxyOf(original);
    if (!original || !proxy || original.state !== 'running') continue;
    const successor = member.newId ? await engine.inspectContainer(member.newId) : undefined;
    logStep(member.name, 'proxy-back');
    await pointProxyAt(engine, member.name, proxy, original, successor);
  }
}
