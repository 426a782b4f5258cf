import { accessSync, constants, readFileSync } from 'node:fs';
import { yaml } from '../config/index.js';
import type { ComposeProject } from './cli.js';
import { COMPOSE_LABELS, readComposeOrigin, type ComposeOrigin } from './labels.js';

/** Whether every compose file of the project can be read (and written) from where Tidewatch runs. */
export function reachability(origin: ComposeOrigin): { ok: true } | { ok: false; reason: string } {
  if (origin.configFiles.length === 0) {
    return { ok: false, reason: `compose project ${origin.project} names no compose file in its labels` };
  }
  for (const file of origin.configFiles) {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch {
      return { ok: false, reason: `compose file ${file} is not reachable from Tidewatch` };
    }
  }
  return { ok: true };
}

export function projectOf(origin: ComposeOrigin): ComposeProject {
  return { project: origin.project, files: origin.configFiles, workingDir: origin.workingDir };
}

/**
 * Compose v1 writes no depends_on label: for its containers the label is derived from the compose
 * files (when reachable), so the dependency graph orders a project's services the same way for
 * v1 and v2. Any other container's labels are returned as they are.
 */
export function withComposeDependsOn(
  labels: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  if (labels[COMPOSE_LABELS.dependsOn] !== undefined) return labels;
  const origin = readComposeOrigin(labels);
  if (!origin || !reachability(origin).ok) return labels;
  const found = new Set<string>();
  try {
    for (const file of origin.configFiles)
      for (const name of dependsOnIn(file, origin.service)) found.add(name);
  } catch {
    // An unreadable file gives no order; the update itself reports the file's problem.
    return labels;
  }
  return found.size === 0 ? labels : { ...labels, [COMPOSE_LABELS.dependsOn]: [...found].join(',') };
}

/** `depends_on:` as a list (`[db]`) or a map (`{db: {condition: ...}}`). */
function dependsOnIn(file: string, service: string): string[] {
  const { isMap, isSeq, parseDocument } = yaml();
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const node = doc.getIn(['services', service, 'depends_on'], true);
  if (isSeq(node)) return node.items.map((item) => String((item as { value?: unknown }).value ?? item));
  if (isMap(node))
    return node.items.map((pair) => String((pair.key as { value?: unknown }).value ?? pair.key));
  return [];
}
