import { describeError } from '../domain/errors.js';
import type { CreateSpec, EndpointSettings } from '../domain/index.js';
import {
  commit as commitHandedOver,
  toPlanMember,
  undo,
  verifyPlanned,
  type PlanDeps,
  type PlannedMember,
  type PlanResult,
} from './group-plan.js';
import { openPlanJournal, type PlanJournal } from './plan-journal.js';
import { asFault, PlanFault, startSuccessor } from './plan-fault.js';
import type { ProxyLabels } from '../config/index.js';
import { waitUntilIdle } from '../proxy/index.js';
import { proxyOf, switchProxy } from './proxy-step.js';
import { startingNameFor } from './copies.js';

/**
 * Zero-downtime replacement of one container: the successor starts under a temporary name beside
 * the original, at first without its network aliases so no client is sent to it before it is
 * ready, and must pass verification while the original still serves. Only then (the commit) does
 * it join its networks with the original's aliases plus the original's name, the original leaves
 * them (DNS stops returning it), drains, stops and goes, and the successor takes the name. Before
 * the commit any failure just removes the successor: the original never stopped.
 */
export async function runStartFirstPlan(
  deps: PlanDeps,
  planned: PlannedMember,
  drainMs: number,
  signal: AbortSignal,
): Promise<PlanResult> {
  const { engine } = deps;
  const { details } = planned.member;
  if (!planned.spec) throw new Error(`no spec to recreate ${details.name}`);
  const tempName = startingNameFor(details.name);
  const final = withNameAlias({ ...planned.spec, name: tempName }, details.name);
  // Created on its primary network only, with no aliases: DNS will not send clients to it yet.
  const hidden: CreateSpec = {
    ...final,
    primaryNetwork: final.primaryNetwork && {
      name: final.primaryNetwork.name,
      endpoint: withoutAliases(final.primaryNetwork.endpoint),
    },
    extraNetworks: [],
  };
  const joins = [
    ...(final.primaryNetwork && isUserNetwork(final.primaryNetwork.name)
      ? [{ name: final.primaryNetwork.name, endpoint: { ...final.primaryNetwork.endpoint }, rejoin: true }]
      : []),
    ...final.extraNetworks.map((network) => ({
      name: network.name,
      endpoint: { ...network.endpoint },
      rejoin: false,
    })),
  ];
  const journal = openPlanJournal(deps, 'start-first', [
    toPlanMember(planned, { tempName, joins, parkedName: null }),
  ]);
  const proxy = proxyOf(details);
  let started = false;
  try {
    journal.logStep(details.name, 'create');
    const id = await engine.createContainer(hidden);
    journal.learnNewId(details.name, id);
    journal.advanceRows('new-created');
    journal.advanceRows('new-started');
    journal.logStep(details.name, 'start');
    started = true;
    await startSuccessor(engine, details.name, id);
    journal.advanceRows('verifying');
    await verifyPlanned(deps, journal, [planned], signal);
    const successor = await engine.inspectContainer(id);
    if (!successor || successor.state !== 'running' || successor.imageId !== planned.targetImageId) {
      throw new PlanFault('read-back', `after the start, the new container is ${successor?.state ?? 'gone'}`);
    }
    // Before the commit: a proxy that cannot be switched leaves the original serving (the undo
    // points the proxy back first), exactly as a verification failure does.
    if (proxy) await switchProxy(deps, journal.logStep, proxy, details, successor);
  } catch (error) {
    return undo(deps, journal, asFault(error, signal), started);
  }
  return handOver(deps, journal, planned, drainMs, proxy);
}

/**
 * The handover, after the commit point: the successor gets its aliases, the original leaves its
 * networks, drains, stops, and goes; the successor takes the name. An interruption here is
 * finished, not undone, by the reconciler: the successor was verified.
 */
async function handOver(
  deps: PlanDeps,
  journal: PlanJournal,
  planned: PlannedMember,
  drainMs: number,
  proxy: ProxyLabels | undefined,
): Promise<PlanResult> {
  const { engine } = deps;
  const { details } = planned.member;
  journal.committing();
  journal.advanceRows('old-renamed');
  try {
    const member = journal.plan().members[0];
    const successor = member?.newId ? await engine.inspectContainer(member.newId) : undefined;
    // Behind a proxy, the original keeps its networks until its last request is answered: leaving a
    // network cuts the connections on it.
    if (proxy) {
      journal.logStep(details.name, 'drain');
      const drained = await waitUntilIdle(deps, details.id, proxy.port, drainMs);
      deps.logger.info({ container: details.name, ...drained }, 'old container drained');
    }
    for (const join of member?.joins ?? []) {
      if (!successor) break;
      journal.logStep(details.name, `join ${join.name}`);
      if (join.rejoin) await engine.disconnectNetwork(join.name, successor.id).catch(() => undefined);
      await engine.connectNetwork(join.name, successor.id, join.endpoint);
    }
    for (const network of Object.keys(details.networks)) {
      journal.logStep(details.name, `leave ${network}`);
      await engine.disconnectNetwork(network, details.id);
    }
    if (!proxy) await deps.sleep(drainMs);
    journal.logStep(details.name, 'stop');
    await engine.stopContainer(details.id, {
      timeoutSeconds: planned.stopTimeoutSeconds,
      signal: planned.stopSignal,
    });
  } catch (error) {
    deps.logger.warn({ container: details.name, reason: describeError(error) }, 'handover: a step failed');
  }
  return commitHandedOver(deps, journal);
}

/** Adds the original's name as an alias on every user network, where aliases exist. */
function withNameAlias(spec: CreateSpec, name: string): CreateSpec {
  const add = (network: {
    name: string;
    endpoint: EndpointSettings;
  }): { name: string; endpoint: EndpointSettings } =>
    isUserNetwork(network.name)
      ? {
          ...network,
          endpoint: {
            ...network.endpoint,
            Aliases: [...new Set([...(network.endpoint.Aliases ?? []), name])],
          },
        }
      : network;
  return {
    ...spec,
    primaryNetwork: spec.primaryNetwork ? add(spec.primaryNetwork) : undefined,
    extraNetworks: spec.extraNetworks.map(add),
  };
}

/** The engine's own networks take no aliases. */
export function isUserNetwork(name: string): boolean {
  return name !== 'bridge' && name !== 'host' && name !== 'none' && name !== 'default';
}

function withoutAliases(endpoint: EndpointSettings): EndpointSettings {
  const { Aliases: _aliases, ...rest } = endpoint;
  return rest;
}
