import { pullCredentialsFor } from '../registry/index.js';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readContainerLabels } from '../config/labels.js';
import { familiarName, type ContainerSummary } from '../domain/index.js';
import { describeError } from '../domain/errors.js';
import type { PullAuth } from '../engine/index.js';
import { checkContainers, type CycleDeps } from '../updater/index.js';
import { readyFile } from './handover-file.js';
import { overlapBlocker, successorSpec } from './successor-spec.js';

/** A successor that is ready and waits for the lock: the daemon now stops and hands over to it. */
export interface Successor {
  readonly id: string;
  readonly name: string;
  readonly digest: string;
  /** The predecessor's container name, which the successor takes once it holds the lock. */
  readonly for: string;
  readonly readyFile: string;
}

export interface PrepareOptions {
  readonly signal: AbortSignal;
  /** How long a successor may take to say it is ready (settings read, engine reached). */
  readonly readyTimeoutMs: number;
}

const POLL_MS = 100;

/**
 * When the image of the container Tidewatch runs in moved: pulls exactly the new digest, starts a
 * successor from it beside this instance and waits until it is ready to take over. Undefined when
 * there is nothing to do, or when the successor failed: then it is removed, its digest is
 * remembered as bad (not tried again until `tidewatch forget NAME`), and this instance goes on.
 */
export async function prepareSuccessor(
  deps: CycleDeps,
  self: ContainerSummary,
  options: PrepareOptions,
): Promise<Successor | undefined> {
  const { engine, logger, store } = deps;
  if (store === undefined) return undefined;
  const log = logger.child({ container: self.name, selfUpdate: true });
  // An image built here and never pushed has no registry to compare with: nothing to ask.
  const own = await engine.inspectImage(self.imageId);
  if (own === undefined || own.repoDigests.length === 0) return undefined;
  const [checked] = await checkContainers(
    { engine, registry: deps.registry.session(), logger, noPull: false, signal: options.signal },
    [{ id: self.id, name: self.name, labels: readContainerLabels(self.labels) }],
  );
  const digest = checked?.result.latestDigest;
  if (checked?.result.status !== 'update-available' || digest === undefined) return undefined;
  const { details, ref, image: oldImage } = checked;
  if (details === undefined || ref === undefined || oldImage === undefined) return undefined;
  if (store.badDigests.isBad(self.name, digest)) {
    log.info({ digest }, 'own image moved to a digest whose successor failed before; not trying it again');
    return undefined;
  }
  const blocker = overlapBlocker(details);
  if (blocker !== undefined) {
    log.warn({ digest, reason: blocker }, 'own image moved, but Tidewatch cannot update itself');
    return undefined;
  }

  log.info({ digest }, 'own image moved: starting a successor');
  const name = familiarName(ref);
  const auth: PullAuth | undefined = await pullCredentialsFor(deps.credentials, ref, options.signal);
  await engine.pullImage(`${name}@${digest}`, auth, options.signal);
  await engine.tagImage(`${name}@${digest}`, name, ref.tag ?? 'latest');

  const spec = successorSpec(details, oldImage.defaults, engine.apiVersion, Date.now());
  let id: string | undefined;
  try {
    id = await engine.createContainer({ ...spec, extraNetworks: [] });
    for (const network of spec.extraNetworks) await engine.connectNetwork(network.name, id, network.endpoint);
    await engine.startContainer(id);
    const file = readyFile(dirname(store.file), id);
    const failure = await waitUntilReady(deps, id, file, options);
    if (failure === undefined) {
      log.info({ successor: spec.name, digest }, 'successor ready: handing over');
      return { id, name: spec.name, digest, for: self.name, readyFile: file };
    }
    throw new Error(failure);
  } catch (error) {
    const reason = `successor failed: ${describeError(error)}`;
    const logs = id === undefined ? '' : await engine.containerLogs(id, 20).catch(() => '');
    if (id !== undefined) await engine.removeContainer(id, { force: true }).catch(() => undefined);
    store.badDigests.remember(self.name, digest, reason);
    log.error({ digest, reason, logs }, 'successor failed; this instance keeps running');
    return undefined;
  }
}

/** Undefined once the successor wrote its ready file; else why it never will. */
async function waitUntilReady(
  deps: CycleDeps,
  id: string,
  file: string,
  options: PrepareOptions,
): Promise<string | undefined> {
  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (existsSync(file)) return undefined;
    const status = await deps.engine.containerStatus(id);
    if (status === undefined) return 'it disappeared';
    if (status.state === 'exited' || status.state === 'dead') return `it exited with ${status.exitCode}`;
    if (Date.now() > deadline) return `it was not ready within ${options.readyTimeoutMs / 1000}s`;
    await sleep(POLL_MS, undefined, { signal: options.signal });
  }
}
