import type { Sleep } from '../domain/clock.js';
import { describeError } from '../domain/errors.js';
import type { ContainerDetails, CreateSpec, EndpointSettings } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import { lastLogLines, type SwapOutcome, type SwapStep } from './swap.js';
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
 * at first without its network aliases so no client is sent to it before it is ready, and must
 * pass verification while the original still serves. Only then does it join its networks with the
 * original's aliases plus the original's name (so clients that use the name keep resolving), the
 * original leaves them (DNS stops returning it), drains, stops and goes, and the new one takes the
 * name. Before the handover any failure just removes the new container: the original never stopped.
 */
export async function startFirstSwap(
  deps: { readonly engine: Engine; readonly logger: Logger },
  request: StartFirstRequest,
): Promise<SwapOutcome> {
  const { engine } = deps;
  const { original } = request;
  const log = deps.logger.child({ container: original.name, strategy: 'start-first' });
  const final = withNameAlias({ ...request.spec, name: startingNameFor(original.name) }, original.name);
  // Created on its primary network only, with no aliases: DNS will not send clients to it yet.
  const hidden: CreateSpec = {
    ...final,
    primaryNetwork: final.primaryNetwork && {
      name: final.primaryNetwork.name,
      endpoint: withoutAliases(final.primaryNetwork.endpoint),
    },
    extraNetworks: [],
  };

  let newId: string | undefined;
  try {
    newId = await engine.createContainer(hidden);
    request.record?.('new-created', newId);
    request.record?.('new-started', newId);
    await engine.startContainer(newId);
  } catch (error) {
    const reason = describeError(error);
    const logs = newId ? await lastLogLines(engine, newId) : '';
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
    const logs = await lastLogLines(engine, newId);
    await engine.removeContainer(newId, { force: true }).catch(() => undefined);
    log.warn({ reason: verdict.reason }, 'the new container failed verification; the original kept running');
    return { kind: 'rolled-back', reason: verdict.reason, logs, verified: true };
  }

  // The handover. The new container is verified: from here on it stays, and a failing step is
  // logged and worked around rather than undone (recovery rolls a crash here forward too).
  request.record?.('old-renamed', newId);
  await joinNetworks(engine, log, final, newId);
  await handOver(engine, log, request, newId);
  return { kind: 'swapped', newId };
}

/**
 * Gives the verified container its aliases: an endpoint's aliases are fixed when it joins, so it
 * leaves its primary network and joins it again with them, then joins the other networks. The
 * original still answers on every alias meanwhile.
 */
async function joinNetworks(engine: Engine, log: Logger, spec: CreateSpec, newId: string): Promise<void> {
  const join = async (
    network: { name: string; endpoint: EndpointSettings },
    rejoin: boolean,
  ): Promise<void> => {
    try {
      if (rejoin) await engine.disconnectNetwork(network.name, newId);
      await engine.connectNetwork(network.name, newId, network.endpoint);
    } catch (error) {
      log.warn({ reason: describeError(error), network: network.name }, 'handover: could not join a network');
    }
  };
  if (spec.primaryNetwork && isUserNetwork(spec.primaryNetwork.name)) await join(spec.primaryNetwork, true);
  for (const network of spec.extraNetworks) await join(network, false);
}

function withoutAliases(endpoint: EndpointSettings): EndpointSettings {
  const { Aliases: _aliases, ...rest } = endpoint;
  return rest;
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
