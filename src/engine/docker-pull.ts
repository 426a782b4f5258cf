import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { formatDuration } from '../config/index.js';
import { TidewatchError } from '../domain/errors.js';
import { engineError } from './docker-errors.js';
import type { PullAuth, PullProgress } from './engine.js';
import { pullTally, type PullStreamEvent } from './pull-progress.js';
import { startIdleTimer } from './idle-timer.js';

/** One line of the engine's pull progress stream. */
interface PullEvent {
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string };
}

/**
 * Pulls `reference` through the engine and reads its progress to the end. A pull whose progress
 * brings nothing new for `pullTimeoutMs` (0: no limit) is abandoned (code `pull-timeout`); the
 * caller's signal aborts it too. Either way the request to the engine is destroyed, so the engine
 * cancels the pull.
 */
export async function pullImage(
  docker: Docker,
  reference: string,
  auth: PullAuth | undefined,
  options: {
    readonly signal?: AbortSignal | undefined;
    readonly pullTimeoutMs: number;
    readonly onProgress?: ((progress: PullProgress) => void) | undefined;
  },
): Promise<void> {
  const { signal } = options;
  const authconfig = auth && {
    serveraddress: auth.serverAddress,
    ...(auth.username !== undefined ? { username: auth.username } : {}),
    ...(auth.password !== undefined ? { password: auth.password } : {}),
    ...(auth.identityToken !== undefined ? { identitytoken: auth.identityToken } : {}),
  };
  // One controller for the request to the engine: the caller's signal and the idle timer both end it.
  const controller = new AbortController();
  const forward = (): void => controller.abort(signal?.reason);
  if (signal?.aborted === true) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  const limitMs = options.pullTimeoutMs;
  let stalled: TidewatchError | undefined;
  const idle =
    limitMs > 0
      ? startIdleTimer(limitMs, () => {
          stalled = new TidewatchError(
            'pull-timeout',
            `the pull of ${reference} made no progress for ${formatDuration(limitMs)}; abandoned (--pull-timeout)`,
          );
          controller.abort(stalled);
        })
      : undefined;
  try {
    const tally = options.onProgress && pullTally();
    const onEvent = (event: PullStreamEvent): void => {
      const progress = tally?.(event);
      if (progress !== undefined) options.onProgress?.(progress);
    };
    const output = await followPull(
      docker,
      reference,
      authconfig,
      controller.signal,
      () => idle?.touch(),
      onEvent,
    );
    // The engine reports a failed pull inside the progress stream, not in the HTTP status.
    const failure = output.find((event) => event.error !== undefined || event.errorDetail !== undefined);
    if (failure) throw new Error(failure.errorDetail?.message ?? failure.error ?? 'pull failed');
  } catch (error) {
    if (stalled !== undefined) throw stalled;
    throw engineError(`pulling ${reference}`, error);
  } finally {
    idle?.stop();
    signal?.removeEventListener('abort', forward);
  }
}

/**
 * Sends the pull and reads its progress stream to the end; every chunk of it calls `onData`, every
 * line `onEvent`.
 * When `signal` aborts, the request to the engine is destroyed (the engine then cancels the pull)
 * and this rejects with the signal's reason, even if the stream had already started.
 */
function followPull(
  docker: Docker,
  reference: string,
  authconfig: object | undefined,
  signal: AbortSignal,
  onData: () => void,
  onEvent: (event: PullStreamEvent) => void,
): Promise<PullEvent[]> {
  return new Promise<PullEvent[]>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    let stream: Readable | undefined;
    const aborted = (): void => {
      stream?.destroy();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', aborted, { once: true });
    const settle = (error: Error | null, output?: PullEvent[]): void => {
      signal.removeEventListener('abort', aborted);
      if (signal.aborted) reject(signal.reason as Error);
      else if (error !== null) reject(error);
      else resolve(output ?? []);
    };
    docker
      .pull(reference, { ...(authconfig ? { authconfig } : {}), abortSignal: signal })
      .then((response) => {
        stream = response as Readable;
        if (signal.aborted) return stream.destroy();
        stream.on('data', onData);
        docker.modem.followProgress(
          stream,
          (error: Error | null, result: unknown[]) => settle(error, result as PullEvent[]),
          (event: PullStreamEvent) => onEvent(event),
        );
      })
      .catch((error: unknown) => settle(error instanceof Error ? error : new Error(String(error))));
  });
}
