import {
  readContainerLabels,
  readPolicyLabels,
  readScopeLabel,
  type ContainerLabels,
  type Settings,
} from '../config/index.js';
import { describeError } from '../domain/errors.js';
import { effectivePolicy, type EffectivePolicy, type PolicySettings } from '../pipeline/index.js';
import type { ServiceDetails } from './types.js';

/**
 * A service is reported, journaled and named on the command line as `service:NAME`. Container
 * names cannot hold a colon, so this never collides with a container.
 */
export const SERVICE_PREFIX = 'service:';

export function serviceSubject(name: string): string {
  return `${SERVICE_PREFIX}${name}`;
}

export function isServiceSubject(name: string): boolean {
  return name.startsWith(SERVICE_PREFIX);
}

export type ServiceSelectionSettings = Pick<
  Settings,
  'labelEnable' | 'disableContainers' | 'scope' | 'noPull'
> &
  PolicySettings & {
    /** Positional names; services are named `service:NAME`. Names given, none a service's: no service. */
    readonly names: readonly string[];
  };

export type ServiceSelection =
  | {
      readonly kind: 'watch';
      readonly service: ServiceDetails;
      readonly subject: string;
      readonly labels: ContainerLabels;
      /** Its labels over the settings: tag policy, cooldown, window, approvals, own schedule. */
      readonly policy: EffectivePolicy;
    }
  | {
      readonly kind: 'skip' | 'invalid';
      readonly service: ServiceDetails;
      readonly subject: string;
      readonly reason: string;
    };

export interface ServiceSelectionResult {
  readonly selections: readonly ServiceSelection[];
  /** `service:NAME` names asked for that match no service. */
  readonly missing: readonly string[];
}

/**
 * The labels that count for a service: its tasks' container labels, and the service's own labels
 * over them (the service spec is where `docker service create --label` and a stack's `deploy.labels`
 * put them; `--container-label` and a stack's `labels` end up on the tasks).
 */
export function serviceLabels(service: ServiceDetails): Readonly<Record<string, string>> {
  return { ...service.containerLabels, ...service.serviceLabels };
}

/**
 * Which services a cycle looks at, by the rules containers follow (scope, enable, --label-enable,
 * --disable-containers with the `service:` name, updater labels), plus what only services have:
 * jobs and non-container services are left alone, and so is a service pinned by its policy. Each
 * watched one gets its policy, as a container does (see docs/swarm.md). Pure.
 */
export function selectServices(
  services: readonly ServiceDetails[],
  settings: ServiceSelectionSettings,
): ServiceSelectionResult {
  const named = new Set(settings.names);
  const wanted = settings.names.filter(isServiceSubject);
  if (named.size > 0 && wanted.length === 0) return { selections: [], missing: [] };
  const disabled = new Set(settings.disableContainers);
  const selections: ServiceSelection[] = [];
  for (const service of services) {
    const subject = serviceSubject(service.name);
    if (named.size > 0 && !named.has(subject)) continue;
    const labels = serviceLabels(service);
    if (!inScope(readScopeLabel(labels), settings.scope)) continue;
    let parsed: ContainerLabels;
    let policy: EffectivePolicy;
    let reason: string | undefined;
    try {
      parsed = readContainerLabels(labels);
      policy = effectivePolicy(readPolicyLabels(labels), settings);
      reason = skipReason(service, parsed, subject, settings, disabled);
      if (reason === undefined && policy.policy.kind === 'pin')
        reason = 'its policy is pin: it is never updated';
    } catch (error) {
      selections.push({ kind: 'invalid', service, subject, reason: describeError(error) });
      continue;
    }
    selections.push(
      reason === undefined
        ? { kind: 'watch', service, subject, labels: parsed, policy }
        : { kind: 'skip', service, subject, reason },
    );
  }
  const present = new Set(services.map((service) => serviceSubject(service.name)));
  return { selections, missing: wanted.filter((name) => !present.has(name)) };
}

/** Watchtower's scope rule, as for containers: no --scope watches all; "none" matches no label. */
function inScope(own: string | undefined, scope: string | undefined): boolean {
  if (scope === undefined || scope === '') return true;
  return (own ?? 'none') === scope;
}

function skipReason(
  service: ServiceDetails,
  labels: ContainerLabels,
  subject: string,
  settings: ServiceSelectionSettings,
  disabled: ReadonlySet<string>,
): string | undefined {
  if (labels.isUpdater) return 'it is an updater (Tidewatch or Watchtower) and is never updated in a cycle';
  if (labels.enable === false) return 'disabled by its enable label';
  if (settings.labelEnable && labels.enable !== true) return 'not enabled by label (--label-enable is set)';
  if (disabled.has(subject)) return 'listed in --disable-containers';
  if (service.mode === 'replicated-job' || service.mode === 'global-job') {
    return 'a job: it runs to completion, and an update would run it again';
  }
  if (service.image === '') return 'not a container service';
  if (settings.noPull || labels.noPull) return 'no-pull: a service can only be checked against its registry';
  return undefined;
}
