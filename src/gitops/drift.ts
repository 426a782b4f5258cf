import { byCodePoint } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import { COMPOSE_LABELS, runCompose, type ComposeProject } from '../compose/index.js';
import { projectContainers } from './project-containers.js';

/** One way a project's running state differs from its compose file at the last good commit. */
export interface Drift {
  readonly service: string;
  /** removed: no container; stopped: not running; changed: its configuration is not the file's. */
  readonly what: 'removed' | 'stopped' | 'changed';
}

export interface DriftOptions {
  readonly dockerHost?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * How the engine differs from the project's file, read back from the engine. "Changed" is compose's
 * own test: the `com.docker.compose.config-hash` label against `config --hash` (Tidewatch's updates
 * keep that label current, so an update it made is not drift). A job that finished (exit 0 with no
 * restart policy) is what its file asks for, not a stopped service.
 */
export async function projectDrift(
  engine: Engine,
  compose: ComposeProject,
  options: DriftOptions,
): Promise<Drift[]> {
  const hashes = await serviceHashes(compose, options);
  const rows = await projectContainers(engine, compose.project);
  const drift: Drift[] = [];
  for (const [service, hash] of [...hashes].sort(([a], [b]) => byCodePoint(a, b))) {
    const mine = rows.filter((row) => row.labels[COMPOSE_LABELS.service] === service);
    if (mine.length === 0) {
      drift.push({ service, what: 'removed' });
      continue;
    }
    if (mine.some((row) => row.labels[COMPOSE_LABELS.configHash] !== hash)) {
      drift.push({ service, what: 'changed' });
      continue;
    }
    for (const row of mine) {
      if (row.state === 'running' || (await finishedJob(engine, row.id))) continue;
      drift.push({ service, what: 'stopped' });
      break;
    }
  }
  return drift;
}

/** `web: removed, db: stopped`, for the history and the log. */
export function describeDrift(drift: readonly Drift[]): string {
  return drift.map((item) => `${item.service}: ${item.what}`).join(', ');
}

/** `service hash` per line, as compose v1 and v2 print `config --hash='*'`. */
async function serviceHashes(compose: ComposeProject, options: DriftOptions): Promise<Map<string, string>> {
  const { stdout } = await runCompose(compose, ['config', '--hash=*'], { ...options, timeoutMs: 60_000 });
  const hashes = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [service, hash] = line.trim().split(/\s+/);
    if (service && hash && /^[0-9a-f]{16,}$/.test(hash)) hashes.set(service, hash);
  }
  return hashes;
}

/** Exited 0 with no restart policy: a job that did what it is for, not a service that stopped. */
export async function finishedJob(engine: Engine, id: string): Promise<boolean> {
  const [details, status] = await Promise.all([engine.inspectContainer(id), engine.containerStatus(id)]);
  const restart = details?.hostConfig.RestartPolicy as { Name?: string } | undefined;
  const policy = restart?.Name ?? '';
  return status?.state === 'exited' && status.exitCode === 0 && (policy === '' || policy === 'no');
}
