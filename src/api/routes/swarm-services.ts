import { byCodePoint } from '../../domain/index.js';
import { describeError } from '../../domain/errors.js';
import type { Logger } from '../../log/index.js';
import { selectServices, type ServiceSelection } from '../../swarm/index.js';
import type { ApiDaemon } from '../context.js';
import type { ServiceItem, ServicesAnswer } from '../view-types.js';

function item(selection: ServiceSelection, deps: ApiDaemon['deps']): ServiceItem {
  const { service } = selection;
  const last = deps.store.history.list({ container: selection.subject, limit: 1 }).items[0];
  return {
    name: service.name,
    subject: selection.subject,
    id: service.id,
    image: service.image,
    mode: service.mode,
    watched: selection.kind === 'watch',
    reason: selection.kind === 'watch' ? null : selection.reason,
    policy: selection.kind === 'watch' ? selection.policy.policy.kind : null,
    updateStatus: service.updateStatus ?? null,
    lastUpdate:
      last === undefined
        ? null
        : {
            id: last.id,
            state: last.state,
            reason: last.reason,
            startedAt: last.startedAt,
            finishedAt: last.finishedAt,
          },
  };
}

/**
 * The swarm services this daemon would look at (its scope and filters, as a cycle selects them),
 * each with how it is treated and its last recorded update; empty when the engine is no manager.
 */
export async function swarmServices(deps: ApiDaemon['deps'], logger: Logger): Promise<ServicesAnswer> {
  const { swarm } = deps;
  if (swarm === undefined) return { swarm: 'off', nodeState: null, items: [] };
  try {
    const state = await swarm.state();
    if (!state.manager) return { swarm: 'not-manager', nodeState: state.nodeState, items: [] };
    const { selections } = selectServices(await swarm.listServices(), { ...deps.settings, names: [] });
    const items = [...selections]
      .sort((a, b) => byCodePoint(a.service.name, b.service.name))
      .map((selection) => item(selection, deps));
    return { swarm: 'manager', nodeState: state.nodeState, items };
  } catch (error) {
    const reason = describeError(error);
    logger.warn({ reason }, 'swarm services not read');
    return { swarm: 'manager', nodeState: null, items: [], error: reason };
  }
}
