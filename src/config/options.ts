/**
 * Every setting Tidewatch reads, in one table: its flag, its environment variables (Tidewatch's
 * own name first, then Watchtower's so existing deployments work unchanged), its kind and default.
 * The CLI, the env loader and the README's tables are all derived from or checked against this.
 */
export type OptionKind = 'boolean' | 'string' | 'list' | 'duration' | 'integer' | 'level';

export interface OptionSpec {
  readonly key: string;
  /** Long flag without dashes; undefined for settings that are env-only (secrets). */
  readonly flag: string | undefined;
  readonly env: readonly string[];
  readonly kind: OptionKind;
  readonly description: string;
  /** Flag placeholder, for --help. */
  readonly valueName?: string;
  /** For a duration: 0 is a meaningful value (no drain), not a mistake. */
  readonly allowZero?: boolean;
}

export const OPTIONS = [
  {
    key: 'host',
    flag: 'host',
    env: ['DOCKER_HOST'],
    kind: 'string',
    valueName: 'url',
    description:
      'Docker engine address: unix:///path or tcp://host:port (default unix:///var/run/docker.sock)',
  },
  {
    key: 'tlsVerify',
    flag: 'tlsverify',
    env: ['DOCKER_TLS_VERIFY'],
    kind: 'boolean',
    description: 'Use TLS and verify the engine (certificates from DOCKER_CERT_PATH, as the docker CLI)',
  },
  {
    key: 'certPath',
    flag: undefined,
    env: ['DOCKER_CERT_PATH'],
    kind: 'string',
    description: 'Folder with ca.pem, cert.pem and key.pem for a TLS engine (default ~/.docker)',
  },
  {
    key: 'interval',
    flag: 'interval',
    env: ['TIDEWATCH_INTERVAL', 'WATCHTOWER_POLL_INTERVAL'],
    kind: 'duration',
    valueName: 'duration',
    description: 'Time between checks in `run`: seconds or 30s/5m/1h (default 24h)',
  },
  {
    key: 'schedule',
    flag: 'schedule',
    env: ['TIDEWATCH_SCHEDULE', 'WATCHTOWER_SCHEDULE'],
    kind: 'string',
    valueName: 'cron',
    description: '6-field cron expression (seconds first) for checks in `run`, instead of --interval',
  },
  {
    key: 'noStartupCheck',
    flag: 'no-startup-check',
    env: ['TIDEWATCH_NO_STARTUP_CHECK'],
    kind: 'boolean',
    description: 'In `run`, wait for the first interval or schedule instead of checking at start',
  },
  {
    key: 'labelEnable',
    flag: 'label-enable',
    env: ['TIDEWATCH_LABEL_ENABLE', 'WATCHTOWER_LABEL_ENABLE'],
    kind: 'boolean',
    description: 'Watch only containers labelled tidewatch.enable=true',
  },
  {
    key: 'disableContainers',
    flag: 'disable-containers',
    env: ['TIDEWATCH_DISABLE_CONTAINERS', 'WATCHTOWER_DISABLE_CONTAINERS'],
    kind: 'list',
    valueName: 'names',
    description: 'Container names never to watch (comma or space separated)',
  },
  {
    key: 'scope',
    flag: 'scope',
    env: ['TIDEWATCH_SCOPE', 'WATCHTOWER_SCOPE'],
    kind: 'string',
    valueName: 'name',
    description: 'Watch only containers whose scope label equals this; "none" means containers without one',
  },
  {
    key: 'includeStopped',
    flag: 'include-stopped',
    env: ['TIDEWATCH_INCLUDE_STOPPED', 'WATCHTOWER_INCLUDE_STOPPED'],
    kind: 'boolean',
    description: 'Also check and update created and exited containers (they stay stopped)',
  },
  {
    key: 'reviveStopped',
    flag: 'revive-stopped',
    env: ['TIDEWATCH_REVIVE_STOPPED', 'WATCHTOWER_REVIVE_STOPPED'],
    kind: 'boolean',
    description: 'Start stopped containers after updating them (with --include-stopped)',
  },
  {
    key: 'monitorOnly',
    flag: 'monitor-only',
    env: ['TIDEWATCH_MONITOR_ONLY', 'WATCHTOWER_MONITOR_ONLY'],
    kind: 'boolean',
    description: 'Check and report, never update',
  },
  {
    key: 'noPull',
    flag: 'no-pull',
    env: ['TIDEWATCH_NO_PULL', 'WATCHTOWER_NO_PULL'],
    kind: 'boolean',
    description: 'Never ask the registry or pull: update only to images already present locally',
  },
  {
    key: 'stopTimeout',
    flag: 'stop-timeout',
    env: ['TIDEWATCH_STOP_TIMEOUT', 'WATCHTOWER_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description: 'Time a container gets to stop before it is killed, unless it sets its own (default 10s)',
  },
  {
    key: 'cleanup',
    flag: 'cleanup',
    env: ['TIDEWATCH_CLEANUP', 'WATCHTOWER_CLEANUP'],
    kind: 'boolean',
    description: 'Remove the old image after an update when no container uses it',
  },
  {
    key: 'lifecycleHooks',
    flag: 'enable-lifecycle-hooks',
    env: ['TIDEWATCH_LIFECYCLE_HOOKS', 'WATCHTOWER_LIFECYCLE_HOOKS'],
    kind: 'boolean',
    description: 'Run the lifecycle hook commands from container labels (pre-check, pre-update, ...)',
  },
  {
    key: 'strategy',
    flag: 'strategy',
    env: ['TIDEWATCH_STRATEGY'],
    kind: 'string',
    valueName: 'strategy',
    description:
      'stop-first (stop the old container, then start the new), start-first (start and verify the new one first) or auto (default stop-first)',
  },
  {
    key: 'drain',
    flag: 'drain',
    env: ['TIDEWATCH_DRAIN'],
    kind: 'duration',
    allowZero: true,
    valueName: 'duration',
    description:
      'With start-first, time the old container keeps running once the new one is verified (default 2s)',
  },
  {
    key: 'verifyTimeout',
    flag: 'verify-timeout',
    env: ['TIDEWATCH_VERIFY_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description:
      'Time a new container with a healthcheck has to become healthy before it is rolled back (default 2m)',
  },
  {
    key: 'verifyWindow',
    flag: 'verify-window',
    env: ['TIDEWATCH_VERIFY_WINDOW'],
    kind: 'duration',
    valueName: 'duration',
    description:
      'Time a new container without a healthcheck must keep running, never restarted, before it is kept (default 10s)',
  },
  {
    key: 'keepImages',
    flag: 'keep-images',
    env: ['TIDEWATCH_KEEP_IMAGES'],
    kind: 'integer',
    valueName: 'n',
    description: 'Previous images kept per container as rollback points (default 2; 0 keeps none)',
  },
  {
    key: 'dataDir',
    flag: 'data-dir',
    env: ['TIDEWATCH_DATA_DIR'],
    kind: 'string',
    valueName: 'path',
    description:
      'Folder of the store (journal, history): default /data in a container, /var/lib/tidewatch as root, else ~/.local/state/tidewatch',
  },
  {
    key: 'insecureRegistries',
    flag: 'insecure-registry',
    env: ['TIDEWATCH_INSECURE_REGISTRIES'],
    kind: 'list',
    valueName: 'hosts',
    description: 'Registries reached over plain HTTP, besides localhost and 127.0.0.0/8 (as dockerd)',
  },
  {
    key: 'repoUser',
    flag: undefined,
    env: ['TIDEWATCH_REPO_USER', 'REPO_USER'],
    kind: 'string',
    description: 'Registry user for every registry (Watchtower compatible); prefer ~/.docker/config.json',
  },
  {
    key: 'repoPass',
    flag: undefined,
    env: ['TIDEWATCH_REPO_PASS', 'REPO_PASS'],
    kind: 'string',
    description: 'Registry password for REPO_USER; TIDEWATCH_REPO_PASS_FILE reads it from a file',
  },
  {
    key: 'dockerConfig',
    flag: undefined,
    env: ['DOCKER_CONFIG'],
    kind: 'string',
    description: 'Folder holding config.json with registry credentials (default ~/.docker)',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: ['TIDEWATCH_LOG_LEVEL', 'WATCHTOWER_LOG_LEVEL'],
    kind: 'level',
    valueName: 'level',
    description: 'trace, debug, info, warn, error or silent (default info)',
  },
  {
    key: 'logFormat',
    flag: 'log-format',
    env: ['TIDEWATCH_LOG_FORMAT'],
    kind: 'string',
    valueName: 'format',
    description: 'auto (pretty on a terminal, JSON otherwise), pretty or json (default auto)',
  },
] as const satisfies readonly OptionSpec[];

export type OptionKey = (typeof OPTIONS)[number]['key'];
