import type Docker from 'dockerode';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Store, UpdateRecord } from '../../src/store/index.js';
import type { CycleReport } from '../../src/updater/index.js';
import { labLabels } from '../lab/index.js';
import { eventually } from './images.js';
import { tempStore } from './tidewatch.js';

/**
 * The lab engine is standalone; these tests make it a one-node swarm (on loopback only) and leave
 * it one: other test files run in parallel and their standalone containers do not mind, and
 * leaving would cost the next run a new init. Every service is labelled with this run's lab label,
 * so useLab's cleanup removes it (and the swarm its tasks).
 */
export async function ensureSwarm(docker: Docker): Promise<void> {
  const manager = async (): Promise<boolean> => {
    const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    return info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;
  };
  if (await manager()) return;
  try {
    await docker.swarmInit({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' });
  } catch (error) {
    // Another test file may have initialised it in the same moment.
    if (!/already part of a swarm/i.test(String(error))) throw error;
  }
  if (!(await eventually(manager, (ok) => ok))) throw new Error('the engine did not become a swarm manager');
}

/** A replicated service of one task, in this file's scope; `updateConfig` as the API takes it. */
export async function createService(
  docker: Docker,
  name: string,
  image: string,
  scope: string,
  updateConfig?: Docker.UpdateConfig,
  /** More service labels: a policy's, say. */
  labels: Readonly<Record<string, string>> = {},
): Promise<string> {
  const service = (await docker.createService({
    Name: name,
    Labels: { ...labLabels(), ...labels, 'tidewatch.scope': scope },
    TaskTemplate: {
      // On the tasks too, so their containers fall in this scope and `check` shows them.
      ContainerSpec: { Image: image, Labels: { 'tidewatch.scope': scope } },
      RestartPolicy: { Condition: 'any', Delay: 500_000_000 },
    },
    Mode: { Replicated: { Replicas: 1 } },
    ...(updateConfig ? { UpdateConfig: updateConfig } : {}),
  })) as { id: string };
  return service.id;
}

interface TaskRow {
  ID: string;
  DesiredState: string;
  Status: { State: string };
  Spec: { ContainerSpec: { Image: string } };
}

/** Waits until the service has a running task on `image`. */
export async function runningOn(docker: Docker, serviceId: string, image: string): Promise<void> {
  const tasks = await eventually(
    () => docker.listTasks({ filters: { service: [serviceId] } }) as Promise<TaskRow[]>,
    (rows) => rows.some((task) => task.Status.State === 'running' && task.Spec.ContainerSpec.Image === image),
    60_000,
  );
  const running = tasks
    .filter((task) => task.Status.State === 'running')
    .map((task) => task.Spec.ContainerSpec.Image);
  expect(running).toContain(image);
}

export interface ServiceInspect {
  Spec: { TaskTemplate: { ContainerSpec: { Image: string } }; UpdateConfig?: Docker.UpdateConfig };
  UpdateStatus?: { State?: string; Message?: string };
}

export function historyOf(store: Store, subject: string): UpdateRecord[] {
  return store.history.list({ container: subject }).items;
}

export function entryOf(report: CycleReport, subject: string): CycleReport['entries'][number] | undefined {
  return report.entries.find((entry) => entry.name === subject);
}

/**
 * A test file's swarm: the lab engine made a one-node swarm before its tests, and a fresh store
 * their runs journal into, closed after them. Read `store` and `dir` inside tests.
 */
export function useSwarmStore(docker: Docker): { readonly store: Store; readonly dir: string } {
  let temp: ReturnType<typeof tempStore> | undefined;
  beforeAll(async () => {
    await ensureSwarm(docker);
    temp = tempStore();
  });
  afterAll(() => {
    temp?.close();
  });
  const current = (): ReturnType<typeof tempStore> => {
    if (temp === undefined) throw new Error('useSwarmStore: read inside a test, after beforeAll');
    return temp;
  };
  return {
    get store() {
      return current().store;
    },
    get dir() {
      return current().dir;
    },
  };
}
