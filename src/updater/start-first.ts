import type { Sleep } from '../domain/clock.js';
import { describeError } from '../domain/errors.js';
import type { ContainerDetails, CreateSpec, EndpointSettings } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import type { SwapOutcome, SwapStep } from './swap.js';
import type { Verdict } from './verify.js';

/** The new container runs as `<name>-tidewatch-new-<time>` beside the original until it takes over. */
const STARTING_INFIX = '-tidewatch-new-';

export function startingNameFor(name: string, now: number = Date.now()): string {
  return `${name}${STARTING_INFIX}${now.toString(36)}`;
}

export function isStartingCopy(candidate: string, name: string): boolean {
  return candidate.startsWith(`${name}${STARTING_INFIX}`);
}

export interface StartFirstRequest {
  readonly original: ContainerDetails;
  readonly spec: CreateSpec;
  readonly parkedName: string;
  /** Time the original keeps running, out of DNS, so requests in flight can finish. */
  readonly drainMs: number;
  readonly stopTimeoutSeconds: number;
  readonly stopSignal: string | undefined;
  readonly sleep: Sleep;
  readonly beforeStop?: () => Promise<void>;
  readonly record?: (step: SwapStep, newContainerId?: string) => void;
  readonly verify?: (newId: string) => Promise<Verdict>;
}

/**
 * Zero-downtime replacement: the new container starts under a temporary name beside the original,
 * on the same networks with the same aliases plus the original's name (so clients that use the
 * name keep resolving), and must pass verification while the original still serves. Only then
 * does the original leave its networks (DNS stops returning it), drain, stop and go; the new one
 * takes the name. Before the handover any failure just removes the new container: the original
 * never stopped.
 */
export async function startFirstSwap(
  deps: { readonly engine: Engine; readonly logger: Logger },
  request: StartFirstRequest,
): Promise<SwapOutcome> {
  const { engine } = deps;
  const { original } = request;
  const log = deps.logger.child({ container: original.name, strategy: 'start-first' });
  const spec = withNameAlias({ ...request.spec, name: startingNameFor(original.name) }, original.name);

  let newId: string | undefined;
  try {
    newId = await engine.createContainer(spec);
    request.record?.('new-created', newId);
    for (const network of spec.extraNetworks)
      await engine.connectNetwork(network.name, newId, network.endpoint);
    request.record?.('new-started', newId);
    await engine.startContainer(newId);
  } catch (error) {
    const reason = describeError(error);
    const logs = newId ? await engine.containerLogs(newId, 50).catch(() => '') : '';
    if (newId) await engine.removeContainer(newId, { force: true }).catch(() => undefined);
    log.error({ reason }, 'the new container did not start; the original kept running');
    return {
      kind: 'rolled-back',
      reason: `the new container did not start: ${reason}`,
      logs,
      verified: false,
    };
  }

  request.record?.('verifying', newId);
  log.info({ newId }, 'verifying the new container');
  const verdict = request.verify ? await request.verify(newId) : ({ ok: true } as const);
  if (!verdict.ok) {
    const logs = await engine.containerLogs(newId, 50).catch(() => '');
    await engine.removeContainer(newId, { force: true }).catch(() => undefined);
    log.warn({ reason: verdict.reason }, 'the new container failed verification; the original kept running');
    return { kind: 'rolled-back', reason: verdict.reason, logs, verified: true };
  }

  // The handover. The new container is verified: from here on it stays, and a failing step is
  // logged and worked around rather than undone (recovery rolls a crash here forward too).
  request.record?.('old-renamed', newId);
  await handOver(engine, log, request, newId);
  return { kind: 'swapped', newId };
}

async function handOver(
  engine: Engine,
  log: Logger,
  request: StartFirstRequest,
  newId: string,
): Promise<void> {
  const { original } = request;
  const attempt = async (what: string, step: () => Promise<unknown>): Promise<void> => {
    try {
      await step();
    } catch (error) {
      log.warn({ reason: describeError(error) }, `handover: could not ${what}`);
    }
  };
  for (const network of Object.keys(original.networks)) {
    await attempt(`disconnect the original from ${network}`, () =>
      engine.disconnectNetwork(network, original.id),
    );
  }
  await request.sleep(request.drainMs);
  await request.beforeStop?.();
  await attempt('stop the original', () =>
    engine.stopContainer(original.id, {
      timeoutSeconds: request.stopTimeoutSeconds,
      signal: request.stopSignal,
    }),
  );
  await attempt('park the original', () => engine.renameContainer(original.id, request.parkedName));
  await attempt('remove the original', () => engine.removeContainer(original.id, { force: true }));
  await attempt('give the new container its name', () => engine.renameContainer(newId, original.name));
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
