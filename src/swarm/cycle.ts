import pLimit from 'p-limit';
import type { RegistrySession } from '../registry/index.js';
import { describeError } from '../domain/errors.js';
import { systemClock, systemSleep } from '../domain/index.js';
import type { CycleEntry } from '../domain/run.js';
import { checkService, type CheckedService } from './check.js';
import { abandonServiceUpdates, recoverServiceUpdates } from './recover.js';
import { selectServices, serviceSubject, type ServiceSelection } from './select.js';
import { withoutDigest } from './service-spec.js';
import type { SwarmEngine } from './types.js';
import { applyServiceUpdates } from './apply.js';
import type { ServiceUpdateDeps } from './update.js';
import { holdBack, leftToOwnSchedule, type HeldBack } from '../pipeline/index.js';
import type { ServiceCycleContext, ServiceCycleDeps, ServiceCycleOptions } from './cycle-deps.js';

export type { ServiceCycleContext, ServiceCycleDeps, ServiceCycleOptions };

/** The entry that stands for the swarm as a whole when services cannot even be listed. */
const ALL_SERVICES = serviceSubject('*');
const DEFAULT_POLL_MS = 1000;

/**
 * The services' part of a cycle, after the containers': when the engine is a swarm manager, check
 * every watched service (one manifest request per reference, shared with the containers through
 * the cycle's registry session), pass its available update through the same gates as a
 * container's (src/pipeline: cooldown, approval, window) and, in an update run, update each one
 * that may go through a service update, following the swarm until it is done. Entries are added
 * to the cycle's report as `service:NAME`. One service's failure never stops the others.
 */
export async function runServiceCycle(
  deps: ServiceCycleDeps,
  options: ServiceCycleOptions,
  context: ServiceCycleContext,
  entries: Map<string, CycleEntry>,
): Promise<void> {
  const { swarm, settings, logger, store } = deps;
  const journal = options.update ? store?.journal : undefined;
  if (settings.swarm === 'off' || swarm === undefined) {
    if (journal) abandonServiceUpdates(journal, logger, 'services are not watched (--swarm off)');
    return;
  }
  // What was checked is reported (logged, and a container-checked event) once, before any update.
  const unreported: CycleEntry[] = [];
  const add = (entry: CycleEntry): void => {
    entries.set(entry.name, entry);
    unreported.push(entry);
  };
  try {
    const state = await swarm.state();
    if (!state.manager) {
      if (journal) abandonServiceUpdates(journal, logger, 'the engine is not a swarm manager any more');
      if (settings.swarm === 'on') {
        const reason = `the engine is not a swarm manager (swarm ${state.nodeState}), and --swarm is on`;
        add({ name: ALL_SERVICES, id: '', image: '', status: 'unknown', reason });
      }
      return;
    }
    const follow = followDeps(deps, swarm);
    if (journal && store) {
      await recoverServiceUpdates({
        ...follow,
        journal,
        badDigests: store.badDigests,
        logger,
        afterJournal: deps.afterJournal,
        timeoutMs: settings.swarmTimeoutMs,
      });
    }
    const checked = await checkAll(deps, swarm, options, context.registry, add);
    const { held, approvals } = await gate(deps, options, context, checked, entries);
    // Reported as the gates left them: a held update says what it waits for.
    for (const entry of unreported.splice(0)) report(deps, entries.get(entry.name) ?? entry);
    const set = (entry: CycleEntry): void => void entries.set(entry.name, entry);
    if (options.update) {
      const going = checked.filter((item) => !held.has(item.result.name));
      await applyServiceUpdates({ ...follow, deps, options, journal, checked: going, set });
      for (const [name, id] of approvals)
        if (entries.get(name)?.action === 'updated') context.policyState.markApplied(id);
    }
  } catch (error) {
    // The engine failed us: services are unknown this time, containers are not affected.
    add({
      name: ALL_SERVICES,
      id: '',
      image: '',
      status: 'unknown',
      reason: `services: ${describeError(error)}`,
    });
  } finally {
    for (const entry of unreported) report(deps, entry);
  }
}

/** The shared gates (src/pipeline), exactly as for containers. */
function gate(
  deps: ServiceCycleDeps,
  options: ServiceCycleOptions,
  context: ServiceCycleContext,
  checked: readonly CheckedService[],
  entries: Map<string, CycleEntry>,
): Promise<HeldBack> {
  const now = (deps.clock ?? systemClock)();
  const { registry, policyState: state } = context;
  return holdBack(
    deps,
    { update: options.update, now, state, registry, signal: options.signal, trigger: options.trigger },
    checked,
    entries,
  );
}

function followDeps(
  deps: ServiceCycleDeps,
  swarm: SwarmEngine,
): Pick<ServiceUpdateDeps, 'swarm' | 'clock' | 'sleep' | 'pollMs'> {
  return {
    swarm,
    clock: deps.clock ?? systemClock,
    sleep: deps.sleep ?? systemSleep,
    pollMs: deps.swarmPollMs ?? DEFAULT_POLL_MS,
  };
}

async function checkAll(
  deps: ServiceCycleDeps,
  swarm: SwarmEngine,
  options: ServiceCycleOptions,
  registry: RegistrySession,
  add: (entry: CycleEntry) => void,
): Promise<CheckedService[]> {
  const { selections, missing } = selectServices(await swarm.listServices(), {
    ...deps.settings,
    names: options.names,
  });
  for (const name of missing) add({ name, id: '', image: '', status: 'unknown', reason: 'no such service' });
  const watched: Array<Extract<ServiceSelection, { kind: 'watch' }>> = [];
  for (const selection of selections) {
    if (selection.kind === 'watch') {
      // A service with its own cron is checked on it, not on the global schedule.
      if (!leftToOwnSchedule(selection.subject, selection.policy, options, deps.schedules))
        watched.push(selection);
    } else if (!options.images) {
      const { service, subject, reason } = selection;
      const status = selection.kind === 'skip' ? 'skipped' : 'unknown';
      add({ name: subject, id: service.id, image: withoutDigest(service.image), status, reason });
    }
  }
  const checkDeps = {
    registry,
    signal: options.signal,
    platform: () => swarm.platform(),
    onlyImages: options.images,
  };
  const limit = pLimit(8);
  const checks = watched.map(({ service, subject, labels, policy }) =>
    limit(async (): Promise<CheckedService | undefined> => {
      try {
        return await checkService(checkDeps, service, subject, labels, policy);
      } catch (error) {
        const reason = describeError(error);
        deps.logger.warn({ service: subject, reason }, 'check failed');
        const image = withoutDigest(service.image);
        return { service, result: { name: subject, id: service.id, image, status: 'unknown', reason } };
      }
    }),
  );
  const checked = (await Promise.all(checks)).filter((item): item is CheckedService => item !== undefined);
  for (const item of checked) add(item.result);
  return checked;
}

/** Logs the entry and says it on the event bus, as the container cycle does for containers. */
function report(deps: ServiceCycleDeps, entry: CycleEntry): void {
  const fields = {
    service: entry.name,
    image: entry.image || undefined,
    current: entry.currentDigest,
    latest: entry.latestDigest,
    action: entry.action,
    reason: entry.reason,
  };
  if (entry.status === 'unknown') deps.logger.warn(fields, 'could not check');
  else deps.logger.info(fields, entry.status === 'current' ? 'up to date' : entry.status);
  deps.events?.emit({
    type: 'container-checked',
    container: entry.name,
    image: entry.image,
    status: entry.status,
    currentDigest: entry.currentDigest,
    latestDigest: entry.latestDigest,
    reason: entry.reason,
  });
}
