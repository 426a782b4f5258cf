import type { Settings } from '../config/index.js';
import { TidewatchError } from '../domain/errors.js';
import { parseImageRef } from '../domain/index.js';
import { VERSION } from '../domain/version.js';
import { ControllerLink, FleetController, FleetTargets, startFleetMember } from '../fleet/index.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../log/index.js';
import type { RegistryClient } from '../registry/index.js';
import type { Store } from '../store/index.js';
import { runCycle } from '../updater/index.js';
import type { ServiceStarter } from './daemon.js';

/** What `run` does differently in a fleet: none, the controller, or a member (docs/fleet.md). */
export type FleetRole =
  | { readonly kind: 'none' }
  | { readonly kind: 'controller'; readonly controller: FleetController; readonly start: ServiceStarter }
  | {
      readonly kind: 'member';
      /** The cycles' registry: the controller's targets, never a registry. */
      readonly registry: FleetTargets['source'];
      readonly start: ServiceStarter;
    };

interface RoleDeps {
  readonly settings: Readonly<Settings>;
  readonly logger: Logger;
  readonly store: Store;
  readonly registry: RegistryClient;
  readonly events: EventBus;
}

/** The fleet role `run` takes from --fleet or --controller; both at once is a configuration error. */
export function fleetRole(deps: RoleDeps): FleetRole {
  const { settings } = deps;
  if (settings.fleet && settings.controller !== undefined) {
    throw new TidewatchError(
      'invalid-config',
      '--fleet and --controller: a Tidewatch is a controller or a member, not both',
    );
  }
  if (settings.fleet) return controllerRole(deps);
  if (settings.controller !== undefined) return memberRole(deps, settings.controller);
  return { kind: 'none' };
}

function controllerRole({ settings, logger, store, registry, events }: RoleDeps): FleetRole {
  const controller = new FleetController({
    registry,
    tokens: store.fleetTokens,
    badDigests: store.fleetBadDigests,
    logger: logger.child({ fleet: 'controller' }),
    clock: Date.now,
    soakMs: settings.waveSoakMs,
    timeoutMs: settings.waveTimeoutMs,
    intervalMs: settings.intervalMs,
    promote: settings.promote,
    copyImage: (from, digest, to, signal) =>
      registry.copyImage(parseImageRef(from), digest, parseImageRef(to), signal),
    // A halted rollout is said like a rollback (notifications, the live stream), with the member.
    onEvent: (event) => {
      if (event.kind !== 'halted') return;
      const { rollout, failure } = event;
      events.emit({
        type: 'fleet-rollout-halted',
        rollout: rollout.id,
        ref: rollout.ref,
        digest: rollout.digest,
        ...failure,
        logs: event.logs,
      });
    },
  });
  const start: ServiceStarter = () => {
    controller.start();
    void controller.check();
    return Promise.resolve({ stop: () => controller.stop() });
  };
  return { kind: 'controller', controller, start };
}

function memberRole({ settings, logger }: RoleDeps, url: string): FleetRole {
  if (settings.controllerToken === undefined) {
    throw new TidewatchError(
      'invalid-config',
      '--controller needs the member token: --controller-token or TIDEWATCH_CONTROLLER_TOKEN(_FILE)',
    );
  }
  const targets = new FleetTargets();
  const link = new ControllerLink({
    controller: url,
    token: settings.controllerToken,
    member: settings.memberName,
    wave: settings.wave,
    caFile: settings.controllerCa,
  });
  const start: ServiceStarter = (daemon) => {
    const member = startFleetMember({
      link,
      targets,
      runs: daemon.runs,
      // In turn with the runs: the report reads the engine between updates, never during one.
      inspect: () =>
        daemon.runs.exclusive('fleet', () =>
          runCycle(daemon.deps, {
            names: [],
            update: false,
            trigger: 'fleet',
            signal: new AbortController().signal,
          }),
        ),
      events: daemon.deps.events,
      logger: logger.child({ fleet: settings.memberName }),
      version: VERSION,
      wave: settings.wave,
    });
    return Promise.resolve(member);
  };
  return { kind: 'member', registry: targets.source, start };
}
