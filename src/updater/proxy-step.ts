import { readProxyLabels, type ProxyLabels } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import type { ContainerDetails } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import { pointProxyAt } from '../proxy/index.js';
import type { Logger } from '../log/index.js';
import type { PlanRecord } from '../store/index.js';
import { PlanFault } from './plan-fault.js';

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
 * The switch of a start-first update, before its commit: the proxy sends new requests to the
 * verified successor only. A proxy that refuses is a `proxy` fault: the plan is undone, and the
 * digest is not remembered as bad (the proxy failed, not the image).
 */
export async function switchProxy(
  deps: { readonly engine: Engine; readonly logger: Logger },
  logStep: (member: string, action: string) => void,
  proxy: ProxyLabels,
  original: ContainerDetails,
  successor: ContainerDetails,
): Promise<void> {
  logStep(original.name, 'proxy-switch');
  const address = await pointProxyAt(deps.engine, original.name, proxy, successor, original).catch(
    (error: unknown) => {
      throw new PlanFault(
        'proxy',
        `the ${proxy.driver} proxy could not be switched: ${describeError(error)}`,
      );
    },
  );
  deps.logger.info(
    { container: original.name, proxy: proxy.driver, address },
    'proxy switched to the new container',
  );
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
