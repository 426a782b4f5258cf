import { describeError } from '../domain/errors.js';
import type { ContainerDetails } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import { buildRecreateSpec } from './recreate-spec.js';
import { isNameOrParkedCopy, swapContainer } from './swap.js';

export interface DependentsDeps {
  readonly engine: Engine;
  readonly logger: Logger;
  readonly stopTimeoutMs: number;
}

/** What happened to one dependent; `failed` carries the reason. */
export interface DependentResult {
  readonly name: string;
  readonly action: 'restarted' | 'recreated' | 'failed';
  readonly reason?: string;
}

/**
 * Stops the running dependents of a container about to be replaced, the furthest first. Each one
 * is recorded in `stopped` (in start order) as soon as it stops, so that even when a later stop
 * throws, every stopped dependent is brought back.
 */
export async function stopDependents(
  deps: DependentsDeps,
  names: readonly string[],
  stopped: ContainerDetails[],
): Promise<void> {
  for (const name of [...names].reverse()) {
    const details = await deps.engine.inspectContainer(name);
    if (!details || (details.state !== 'running' && details.state !== 'restarting')) continue;
    const timeoutSeconds = Math.ceil(details.config.StopTimeout ?? deps.stopTimeoutMs / 1000);
    await deps.engine.stopContainer(details.id, { timeoutSeconds, signal: undefined });
    deps.logger.info({ container: name }, 'stopped a dependent');
    stopped.unshift(details);
  }
}

/**
 * Brings stopped dependents back in start order. One that ran in the replaced container's network
 * namespace points at a container that no longer exists: it is recreated, same image and settings,
 * to join the new one. Never throws; each dependent's result is reported.
 */
export async function restartDependents(
  deps: DependentsDeps,
  stopped: readonly ContainerDetails[],
  provider: { readonly oldId: string; readonly newId: string; readonly name: string },
): Promise<DependentResult[]> {
  const results: DependentResult[] = [];
  for (const details of stopped) {
    const replaced = provider.newId !== provider.oldId;
    const sharesNamespace = replaced && runsInNamespaceOf(details, provider);
    // Legacy links are bound to the container, not its name: parking the original moved them to
    // the parked copy. A linked dependent is recreated with its links pointing at the name again.
    const linked = replaced && (details.hostConfig.Links ?? []).some((link) => linksTo(link, provider.name));
    try {
      if (sharesNamespace || linked) {
        const spec = buildRecreateSpec(
          details,
          {},
          details.config.Image ?? details.imageId,
          deps.engine.apiVersion,
        );
        const outcome = await swapContainer(deps, {
          original: { ...details, state: 'exited' },
          spec: {
            ...spec,
            hostConfig: {
              ...spec.hostConfig,
              ...(sharesNamespace ? { NetworkMode: `container:${provider.newId}` } : {}),
              ...(linked ? { Links: relink(spec.hostConfig.Links ?? [], provider.name) } : {}),
            },
          },
          start: true,
          stopTimeoutSeconds: 0,
          stopSignal: undefined,
        });
        if (outcome.kind !== 'swapped') throw new Error(outcome.reason);
        results.push({ name: details.name, action: 'recreated' });
      } else {
        await deps.engine.startContainer(details.id);
        results.push({ name: details.name, action: 'restarted' });
      }
      deps.logger.info(
        { container: details.name, provider: provider.name },
        `dependent ${results.at(-1)?.action}`,
      );
    } catch (error) {
      const reason = `could not bring back after ${provider.name} changed: ${describeError(error)}`;
      deps.logger.error({ container: details.name, reason }, 'dependent failed');
      // A recreate that failed restored the original, stopped: start it so it runs as it did.
      await deps.engine.startContainer(details.id).catch(() => undefined);
      results.push({ name: details.name, action: 'failed', reason });
    }
  }
  return results;
}

function runsInNamespaceOf(
  details: ContainerDetails,
  provider: { readonly oldId: string; readonly name: string },
): boolean {
  const mode = details.hostConfig.NetworkMode ?? '';
  if (!mode.startsWith('container:')) return false;
  const target = mode.slice('container:'.length);
  return target === provider.name || provider.oldId.startsWith(target);
}

/** Whether an inspect-form link (`/target:/self/alias`) points at the provider or its parked copy. */
function linksTo(link: string, name: string): boolean {
  return isNameOrParkedCopy((link.split(':')[0] ?? '').replace(/^\//, ''), name);
}

/** Create-form links (`target:alias`) with the parked copy's name replaced by the original name. */
function relink(links: readonly string[], name: string): string[] {
  return links.map((link) => {
    const [target = '', alias = ''] = link.split(':');
    return isNameOrParkedCopy(target, name) ? `${name}:${alias}` : link;
  });
}
