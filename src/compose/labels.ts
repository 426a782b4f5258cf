import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/** The labels compose (v1 and v2) puts on every container it creates. */
export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  configFiles: 'com.docker.compose.project.config_files',
  workingDir: 'com.docker.compose.project.working_dir',
  dependsOn: 'com.docker.compose.depends_on',
  configHash: 'com.docker.compose.config-hash',
  oneoff: 'com.docker.compose.oneoff',
} as const;

/** Tidewatch's own label: write a tag policy's new tag back into the compose file. */
export const WRITE_BACK_LABEL = 'tidewatch.compose.write-back';

/** Where a compose-managed container came from, read from its labels. */
export interface ComposeOrigin {
  readonly project: string;
  readonly service: string;
  /** Absolute paths of the compose files, in the order compose merged them. */
  readonly configFiles: readonly string[];
  readonly workingDir: string | undefined;
  /** Services of the same project this one depends on (v2's label; v1 has none). */
  readonly dependsOn: readonly string[];
  /** The label `tidewatch.compose.write-back`: undefined when unset, so the option decides. */
  readonly writeBack: boolean | undefined;
}

const Name = z.string().trim().min(1);
const WriteBack = z.enum(['true', 'false', '1', '0', 'yes', 'no']);

/**
 * Reads the compose labels; undefined for a container compose did not create (or a one-off `run`
 * container, which compose never converges). A malformed write-back label is an error the caller
 * reports on that container only.
 */
export function readComposeOrigin(labels: Readonly<Record<string, string>>): ComposeOrigin | undefined {
  const project = Name.safeParse(labels[COMPOSE_LABELS.project]);
  const service = Name.safeParse(labels[COMPOSE_LABELS.service]);
  if (!project.success || !service.success) return undefined;
  if (labels[COMPOSE_LABELS.oneoff]?.toLowerCase() === 'true') return undefined;
  const workingDir = labels[COMPOSE_LABELS.workingDir]?.trim() || undefined;
  const configFiles = splitList(labels[COMPOSE_LABELS.configFiles]).map((file) =>
    // v1 writes the paths as given on its command line; relative ones are relative to working_dir.
    isAbsolute(file) || workingDir === undefined ? file : resolve(workingDir, file),
  );
  // v2: `db:service_started:false,cache:service_healthy:true`; only the service name matters here.
  const dependsOn = splitList(labels[COMPOSE_LABELS.dependsOn])
    .map((entry) => entry.split(':')[0] ?? '')
    .filter((name) => name !== '');
  return {
    project: project.data,
    service: service.data,
    configFiles,
    workingDir,
    dependsOn,
    writeBack: parseWriteBack(labels[WRITE_BACK_LABEL]),
  };
}

function parseWriteBack(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = WriteBack.safeParse(value.trim().toLowerCase());
  if (!parsed.success) return undefined;
  return ['true', '1', 'yes'].includes(parsed.data);
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
