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
  /** For a list: split on whitespace only, not commas (values that may hold commas, such as URLs). */
  readonly split?: 'whitespace';
}

/** One of Watchtower's legacy notification variables (env only): WATCHTOWER_NOTIFICATION_<suffix>. */
function legacy<const K extends string>(key: K, suffix: string, kind: OptionKind, description: string) {
  const env = [`WATCHTOWER_NOTIFICATION_${suffix}`] as const;
  return [
    { key, flag: undefined, env, kind, allowZero: true, description: `Watchtower legacy: ${description}` },
  ] as const;
}

export const OPTIONS = [
  {
    key: 'config',
    flag: 'config',
    env: ['TIDEWATCH_CONFIG'],
    kind: 'string',
    valueName: 'file',
    description:
      'YAML configuration file (docs/configuration.md): every setting below, plus registries; flags and env override it',
  },
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
    key: 'pullTimeout',
    flag: 'pull-timeout',
    env: ['TIDEWATCH_PULL_TIMEOUT'],
    kind: 'duration',
    allowZero: true,
    valueName: 'duration',
    description:
      'A pull that makes no progress (no new data from the engine) for this long is abandoned and the update fails; 0 never (default 5m)',
  },
  {
    key: 'shutdownTimeout',
    flag: 'shutdown-timeout',
    env: ['TIDEWATCH_SHUTDOWN_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description:
      'After SIGTERM, the longest `run` and `once` wait for an update in flight before they exit anyway; the next start resumes or undoes it from the journal (default 8s)',
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
  // Policies (src/policy, docs/policies.md): each has a container label of the same name.
  {
    key: 'policy',
    flag: 'policy',
    env: ['TIDEWATCH_POLICY'],
    kind: 'string',
    valueName: 'policy',
    description:
      'What containers may be updated to: digest (same tag, new image), patch, minor, major, semver:<range>, regex:<pattern> or pin (default digest)',
  },
  {
    key: 'minAge',
    flag: 'min-age',
    env: ['TIDEWATCH_MIN_AGE'],
    kind: 'duration',
    allowZero: true,
    valueName: 'duration',
    description: 'Cooldown: apply a new image only once it is this old, e.g. 3d (default 0: at once)',
  },
  {
    key: 'minAgeFrom',
    flag: 'min-age-from',
    env: ['TIDEWATCH_MIN_AGE_FROM'],
    kind: 'string',
    valueName: 'source',
    description:
      "What the cooldown counts from: seen (when Tidewatch first saw the digest) or created (the image config's build time) (default seen)",
  },
  {
    key: 'window',
    flag: 'window',
    env: ['TIDEWATCH_WINDOW'],
    kind: 'string',
    valueName: 'window',
    description:
      'Maintenance window: updates are applied only inside it, e.g. "Sat,Sun 02:00-05:00" (default: any time)',
  },
  {
    key: 'timezone',
    flag: 'timezone',
    env: ['TIDEWATCH_TIMEZONE'],
    kind: 'string',
    valueName: 'zone',
    description: 'Time zone windows are read in, e.g. Europe/Berlin (default: the process zone, from TZ)',
  },
  {
    key: 'approve',
    flag: 'approve',
    env: ['TIDEWATCH_APPROVE'],
    kind: 'string',
    valueName: 'votes',
    description: 'Updates wait for approval: true (one vote), a number of votes, or false (default false)',
  },
  {
    key: 'approvalDeadline',
    flag: 'approval-deadline',
    env: ['TIDEWATCH_APPROVAL_DEADLINE'],
    kind: 'duration',
    allowZero: true,
    valueName: 'duration',
    description: 'A pending approval expires this long after it was requested; 0 never (default 7d)',
  },
  // Swarm services (src/swarm, docs/swarm.md).
  {
    key: 'swarm',
    flag: 'swarm',
    env: ['TIDEWATCH_SWARM'],
    kind: 'string',
    valueName: 'mode',
    description:
      'Swarm services: auto (watch them when the engine is a swarm manager), on (and report when it is not) or off (default auto)',
  },
  {
    key: 'swarmUpdateOrder',
    flag: 'swarm-update-order',
    env: ['TIDEWATCH_SWARM_UPDATE_ORDER'],
    kind: 'string',
    valueName: 'order',
    description:
      'Order of a service update, for services without an UpdateConfig: start-first or stop-first (default start-first)',
  },
  {
    key: 'swarmFailureAction',
    flag: 'swarm-failure-action',
    env: ['TIDEWATCH_SWARM_FAILURE_ACTION'],
    kind: 'string',
    valueName: 'action',
    description:
      'What the swarm does when a task of the new image fails, for services without an UpdateConfig: rollback, pause or continue (default rollback)',
  },
  {
    key: 'swarmMonitor',
    flag: 'swarm-monitor',
    env: ['TIDEWATCH_SWARM_MONITOR'],
    kind: 'duration',
    valueName: 'duration',
    description:
      'Time the swarm watches each new task for a failure, for services without an UpdateConfig (default 10s)',
  },
  {
    key: 'swarmTimeout',
    flag: 'swarm-timeout',
    env: ['TIDEWATCH_SWARM_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description: 'Time Tidewatch follows one service update before it records it as failed (default 10m)',
  },
  // Compose projects (src/compose, docs/compose.md) and GitOps sources (src/gitops, docs/gitops.md).
  {
    key: 'composeWriteBack',
    flag: 'compose-write-back',
    env: ['TIDEWATCH_COMPOSE_WRITE_BACK'],
    kind: 'boolean',
    description:
      'When a tag policy moves a compose service, write the new tag into its compose file and recreate it through compose (label tidewatch.compose.write-back)',
  },
  {
    key: 'gitopsSources',
    flag: 'gitops-source',
    env: ['TIDEWATCH_GITOPS_SOURCES'],
    kind: 'list',
    split: 'whitespace',
    valueName: 'source',
    description:
      'A git repository of compose projects to deploy, url=URL,branch=B,path=P,interval=D[,name=N,env-dir=DIR,remove-orphans=true,ssh-key=FILE]; repeatable, or separated by ; or newlines',
  },
  {
    key: 'gitopsDir',
    flag: 'gitops-dir',
    env: ['TIDEWATCH_GITOPS_DIR'],
    kind: 'string',
    valueName: 'path',
    description: 'Folder the GitOps checkouts live in (default: gitops/ in the data dir)',
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
    key: 'registryLimits',
    flag: 'registry-limit',
    env: ['TIDEWATCH_REGISTRY_LIMITS'],
    kind: 'list',
    valueName: 'limits',
    description:
      'Per-registry budgets, HOST=CONCURRENCY:REQUESTS/WINDOW, either part optional, * for the others (e.g. docker.io=2:100/6h,*=4)',
  },
  {
    key: 'maxRegistryWait',
    flag: 'max-registry-wait',
    env: ['TIDEWATCH_MAX_REGISTRY_WAIT'],
    kind: 'duration',
    allowZero: true,
    valueName: 'duration',
    description:
      'Longest a registry request waits for a Retry-After, a spent quota or its budget; past it the container is unknown (default 1m)',
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
    key: 'httpAddr',
    flag: 'http-addr',
    env: ['TIDEWATCH_HTTP_ADDR'],
    kind: 'string',
    valueName: 'host:port',
    description:
      'Where `run` serves the HTTP API: host:port (default 127.0.0.1:8080; 0.0.0.0:8080 in a container), or off',
  },
  {
    key: 'apiToken',
    flag: 'api-token',
    env: ['TIDEWATCH_API_TOKEN', 'WATCHTOWER_HTTP_API_TOKEN'],
    kind: 'string',
    valueName: 'token',
    description:
      'Bearer token for the HTTP API; without one, routes that change anything are not served (prefer TIDEWATCH_API_TOKEN_FILE)',
  },
  {
    key: 'apiOnly',
    flag: 'api-only',
    env: ['TIDEWATCH_API_ONLY'],
    kind: 'boolean',
    description:
      'Check and update only when asked over the API or a webhook, never on a schedule (needs --api-token; ' +
      "Watchtower's WATCHTOWER_HTTP_API_UPDATE without WATCHTOWER_HTTP_API_PERIODIC_POLLS)",
  },
  {
    key: 'metricsPublic',
    flag: 'metrics-public',
    env: ['TIDEWATCH_METRICS_PUBLIC'],
    kind: 'boolean',
    description: 'Serve /metrics and /v1/metrics without the API token',
  },
  {
    key: 'webhookSecret',
    flag: 'webhook-secret',
    env: ['TIDEWATCH_WEBHOOK_SECRET'],
    kind: 'string',
    valueName: 'secret',
    description:
      'Shared secret (or HMAC key) of the webhooks under /api/v1/webhooks/ (default: the API token)',
  },
  // Notifications (src/notify, docs/notifications.md). URLs are split on whitespace only: a
  // shoutrrr URL may hold commas (telegram's chats, smtp's toAddresses).
  {
    key: 'notificationUrls',
    flag: 'notification-url',
    env: ['TIDEWATCH_NOTIFICATION_URL', 'WATCHTOWER_NOTIFICATION_URL'],
    kind: 'list',
    split: 'whitespace',
    valueName: 'url',
    description:
      'Where to send notifications, in shoutrrr URL format (slack://, discord://, smtp://, mqtt://, ...); repeatable, or space-separated',
  },
  {
    key: 'notificationReport',
    flag: 'notification-report',
    env: ['TIDEWATCH_NOTIFICATION_REPORT', 'WATCHTOWER_NOTIFICATION_REPORT'],
    kind: 'boolean',
    description: 'One message per run (a report) instead of one per event',
  },
  {
    key: 'notificationsLevel',
    flag: 'notifications-level',
    env: ['TIDEWATCH_NOTIFICATIONS_LEVEL', 'WATCHTOWER_NOTIFICATIONS_LEVEL'],
    kind: 'string',
    valueName: 'level',
    description:
      'Send only messages at this level or above: trace, debug, info, warn, error, fatal, panic (default info)',
  },
  {
    key: 'notificationTemplate',
    flag: 'notification-template',
    env: ['TIDEWATCH_NOTIFICATION_TEMPLATE'],
    kind: 'string',
    valueName: 'template',
    description: 'Message template for every event, in the {{field}} language of docs/notifications.md',
  },
  {
    key: 'watchtowerNotificationTemplate',
    flag: undefined,
    env: ['WATCHTOWER_NOTIFICATION_TEMPLATE'],
    kind: 'string',
    description: "Watchtower's Go template: not understood; Tidewatch warns and uses its own templates",
  },
  {
    key: 'notificationTitleTag',
    flag: 'notification-title-tag',
    env: ['TIDEWATCH_NOTIFICATION_TITLE_TAG', 'WATCHTOWER_NOTIFICATION_TITLE_TAG'],
    kind: 'string',
    valueName: 'tag',
    description: 'Prefix of the title, as [tag]: tells several Tidewatch instances apart',
  },
  {
    key: 'notificationSkipTitle',
    flag: 'notification-skip-title',
    env: ['TIDEWATCH_NOTIFICATION_SKIP_TITLE', 'WATCHTOWER_NOTIFICATION_SKIP_TITLE'],
    kind: 'boolean',
    description: 'Send no title; services fall back to their own',
  },
  {
    key: 'notificationsHostname',
    flag: 'notifications-hostname',
    env: ['TIDEWATCH_NOTIFICATIONS_HOSTNAME', 'WATCHTOWER_NOTIFICATIONS_HOSTNAME'],
    kind: 'string',
    valueName: 'name',
    description: "Host name in the title and messages (default: this machine's)",
  },
  {
    key: 'notificationsDelay',
    flag: 'notifications-delay',
    env: ['TIDEWATCH_NOTIFICATIONS_DELAY', 'WATCHTOWER_NOTIFICATIONS_DELAY', 'WATCHTOWER_NOTIFICATION_DELAY'],
    kind: 'duration',
    allowZero: true,
    valueName: 'duration',
    description: 'Wait this long before sending each message (default 0)',
  },
  {
    key: 'notificationTimeout',
    flag: 'notification-timeout',
    env: ['TIDEWATCH_NOTIFICATION_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description: 'Time one delivery attempt may take (default 10s)',
  },
  {
    key: 'notificationMaxAge',
    flag: 'notification-max-age',
    env: ['TIDEWATCH_NOTIFICATION_MAX_AGE'],
    kind: 'duration',
    valueName: 'duration',
    description: 'Retry an undelivered message until it is this old, then record it as failed (default 24h)',
  },
  {
    key: 'notificationDrain',
    flag: 'notification-drain',
    env: ['TIDEWATCH_NOTIFICATION_DRAIN'],
    kind: 'duration',
    allowZero: true,
    valueName: 'duration',
    description:
      '`once` waits at most this long for its messages to be delivered; the rest stays queued for the next start (default 30s)',
  },
  // Watchtower's legacy notification settings, translated into URLs at start (src/notify/legacy.ts).
  {
    key: 'legacyNotifications',
    flag: undefined,
    env: ['WATCHTOWER_NOTIFICATIONS'],
    kind: 'list',
    description: 'Legacy notification types: email, slack, msteams, gotify (shoutrrr: use the URLs)',
  },
  ...legacy('legacyEmailFrom', 'EMAIL_FROM', 'string', 'Sender address'),
  ...legacy('legacyEmailTo', 'EMAIL_TO', 'string', 'Recipient address(es), comma separated'),
  ...legacy('legacyEmailServer', 'EMAIL_SERVER', 'string', 'SMTP server'),
  ...legacy('legacyEmailServerPort', 'EMAIL_SERVER_PORT', 'integer', 'SMTP port (default 25)'),
  ...legacy('legacyEmailServerUser', 'EMAIL_SERVER_USER', 'string', 'SMTP user'),
  ...legacy('legacyEmailServerPassword', 'EMAIL_SERVER_PASSWORD', 'string', 'SMTP password'),
  ...legacy('legacyEmailServerTlsSkipVerify', 'EMAIL_SERVER_TLS_SKIP_VERIFY', 'boolean', 'Do not verify TLS'),
  ...legacy('legacyEmailDelay', 'EMAIL_DELAY', 'duration', 'Delay before sending (seconds)'),
  ...legacy('legacyEmailSubjectTag', 'EMAIL_SUBJECTTAG', 'string', 'Title tag (as the title tag)'),
  ...legacy('legacySlackHookUrl', 'SLACK_HOOK_URL', 'string', 'Slack (or Discord /slack) webhook URL'),
  ...legacy('legacySlackIdentifier', 'SLACK_IDENTIFIER', 'string', 'Bot name'),
  ...legacy('legacySlackChannel', 'SLACK_CHANNEL', 'string', 'Channel override'),
  ...legacy('legacySlackIconEmoji', 'SLACK_ICON_EMOJI', 'string', 'Icon emoji'),
  ...legacy('legacySlackIconUrl', 'SLACK_ICON_URL', 'string', 'Icon URL'),
  ...legacy(
    'legacyMsteamsHookUrl',
    'MSTEAMS_HOOK_URL',
    'string',
    'Teams webhook URL (connector or Workflows)',
  ),
  ...legacy('legacyMsteamsUseLogData', 'MSTEAMS_USE_LOG_DATA', 'boolean', 'Add the event fields as facts'),
  ...legacy('legacyGotifyUrl', 'GOTIFY_URL', 'string', 'Gotify server URL'),
  ...legacy('legacyGotifyToken', 'GOTIFY_TOKEN', 'string', 'Gotify application token'),
  ...legacy('legacyGotifyTlsSkipVerify', 'GOTIFY_TLS_SKIP_VERIFY', 'boolean', 'Do not verify TLS'),
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
