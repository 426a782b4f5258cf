import type { ContainerSummary } from '../domain/index.js';
import type { Engine } from '../engine/index.js';
import { COMPOSE_LABELS } from '../compose/index.js';

/**
 * The containers compose made for a project's services, read from the engine: `compose run`'s
 * one-off containers are a person's, not the project's, and are left out.
 */
export async function projectContainers(engine: Engine, project: string): Promise<ContainerSummary[]> {
  return (await engine.listContainers({ all: true })).filter(
    (row) => row.labels[COMPOSE_LABELS.project] === project && row.labels[COMPOSE_LABELS.oneoff] !== 'True',
  );
}

/** The compose service a container belongs to; its name when the label is missing. */
export function serviceOf(container: ContainerSummary): string {
  return container.labels[COMPOSE_LABELS.service] ?? container.name;
}
