import { LAB_LABEL, RUN_ID } from './names.js';

/** What a lab image can be built with; the Dockerfile instruction each field stands for. */
export interface BuildOptions {
  /** CMD; default `["sleep", "3600"]`. */
  cmd?: string[];
  entrypoint?: string[];
  /** ENV as `KEY=value`, after the usual default PATH unless this sets PATH itself. */
  env?: string[];
  labels?: Record<string, string>;
  workdir?: string;
  user?: string;
  /** EXPOSE: `80`, `80/tcp`, `53/udp`. */
  exposedPorts?: string[];
  volumes?: string[];
  /** HEALTHCHECK: `test` may start with CMD / CMD-SHELL / NONE; plain commands get `CMD`. */
  healthcheck?: { test: string[]; intervalMs?: number };
  stopSignal?: string;
  /** Written to /tidewatch-marker so each build has distinct content and digest; default random. */
  marker?: string;
  /** A layer of this many pseudo-random bytes from `seed`, between busybox and the marker. */
  payload?: { seed: string; bytes: number };
}

export interface ContainerConfigJson {
  Cmd: string[];
  Entrypoint: string[] | null;
  Env: string[];
  Labels: Record<string, string>;
  WorkingDir: string;
  User: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  Healthcheck?: { Test: string[]; Interval: number };
  StopSignal?: string;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const HEALTHCHECK_KINDS = new Set(['CMD', 'CMD-SHELL', 'NONE']);

function toSet(values: readonly string[]): Record<string, object> {
  return Object.fromEntries(values.map((value) => [value, {}]));
}

/**
 * The `config` of an image config JSON (https://github.com/moby/moby/blob/master/image/spec/v1.2.md),
 * always labelled with this run so cleanupLab() finds it.
 */
export function containerConfig(options: BuildOptions): ContainerConfigJson {
  const env = options.env ?? [];
  const config: ContainerConfigJson = {
    Cmd: options.cmd ?? ['sleep', '3600'],
    Entrypoint: options.entrypoint ?? null,
    // Real images set PATH; an explicit PATH in `env` replaces the default instead of repeating it.
    Env: [...(env.some((entry) => entry.startsWith('PATH=')) ? [] : [DEFAULT_PATH]), ...env],
    Labels: { ...options.labels, [LAB_LABEL]: RUN_ID },
    WorkingDir: options.workdir ?? '',
    User: options.user ?? '',
  };
  if (options.exposedPorts !== undefined) {
    config.ExposedPorts = toSet(
      options.exposedPorts.map((port) => (port.includes('/') ? port : `${port}/tcp`)),
    );
  }
  if (options.volumes !== undefined) config.Volumes = toSet(options.volumes);
  if (options.healthcheck !== undefined) {
    const { test, intervalMs = 1_000 } = options.healthcheck;
    config.Healthcheck = {
      Test: HEALTHCHECK_KINDS.has(test[0] ?? '') ? test : ['CMD', ...test],
      Interval: intervalMs * 1_000_000, // the engine counts nanoseconds
    };
  }
  if (options.stopSignal !== undefined) config.StopSignal = options.stopSignal;
  return config;
}
