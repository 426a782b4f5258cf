import type { GitopsSourceSetting } from '../config/index.js';
import { describeError } from '../domain/errors.js';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../log/index.js';
import { runCompose, type ComposeProject } from '../compose/index.js';
import { projectContainers, serviceOf } from './project-containers.js';
import { findProjects, type GitopsProject } from './projects.js';
import type { Checkout } from './repo.js';

export interface RestoreContext {
  readonly engine: Engine;
  readonly checkout: Checkout;
  readonly lastGood: string;
  readonly source: GitopsSourceSetting;
  readonly composeOf: (project: GitopsProject) => ComposeProject;
  readonly options: { readonly dockerHost?: string | undefined; readonly signal?: AbortSignal | undefined };
  readonly log: Logger;
}

/**
 * Brings the failed projects back to the last good commit's state: the services the failed commit
 * added are removed (they were created by the apply that failed; nothing else is in them), and
 * `compose up -d` from the last good commit recreates what it changed. A project the last good
 * commit did not have loses every service the failed apply created.
 */
export async function restoreLastGood(context: RestoreContext, failed: readonly string[]): Promise<void> {
  const { checkout, source, composeOf, options, log } = context;
  const added = new Map<string, Set<string>>();
  for (const project of findProjects(checkout.path, source.path).filter((p) => failed.includes(p.name))) {
    // Unreadable, the added services stay (logged): the checkout must still go back below.
    const services = await servicesOf(composeOf(project), options).catch((error: unknown) => {
      log.error(
        { project: project.name, reason: describeError(error) },
        'gitops: services of the failed commit unknown',
      );
      return new Set<string>();
    });
    added.set(project.name, services);
  }
  await checkout.checkout(context.lastGood);
  const before = findProjects(checkout.path, source.path);
  for (const name of failed) {
    const project = before.find((candidate) => candidate.name === name);
    try {
      const kept = project === undefined ? new Set<string>() : await servicesOf(composeOf(project), options);
      const extra = [...(added.get(name) ?? [])].filter((service) => !kept.has(service));
      await removeServices(context.engine, name, extra);
      if (project !== undefined) await runCompose(composeOf(project), ['up', '-d'], options);
    } catch (error) {
      log.error(
        { project: name, reason: describeError(error) },
        'gitops: could not restore the last good commit',
      );
    }
  }
}

async function servicesOf(compose: ComposeProject, options: RestoreContext['options']): Promise<Set<string>> {
  const { stdout } = await runCompose(compose, ['config', '--services'], { ...options, timeoutMs: 60_000 });
  return new Set(
    stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  );
}

async function removeServices(engine: Engine, project: string, services: readonly string[]): Promise<void> {
  if (services.length === 0) return;
  for (const container of await projectContainers(engine, project)) {
    if (services.includes(serviceOf(container))) await engine.removeContainer(container.id, { force: true });
  }
}
