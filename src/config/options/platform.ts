import { z } from 'zod';
import { formatDuration } from '../duration.js';
import { GitopsSource, RegistryLimit } from '../file-values.js';
import { GitopsSourceSetting, parseGitopsSources } from '../gitops-sources.js';
import { RegistryLimitSetting, parseRegistryLimits } from '../registry-limits.js';
import { parseRegistryMirrors } from '../registry-mirrors.js';
import { MINUTE_MS, SECOND_MS, fromList, option } from './spec.js';

/** Budgets as a config file writes them (durations as text, absent parts left out). */
function showRegistryLimits(limits: readonly RegistryLimitSetting[]): unknown {
  return limits.map(({ registry, concurrency, requests, windowMs }) => ({
    registry,
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(requests === undefined ? {} : { requests }),
    ...(windowMs === undefined ? {} : { window: formatDuration(windowMs) }),
  }));
}

function showGitopsSources(sources: readonly GitopsSourceSetting[]): unknown {
  return sources.map(({ intervalMs, ...source }) => ({ ...source, interval: formatDuration(intervalMs) }));
}

/** Swarm services, compose, GitOps, the store, and registries. */
export const PLATFORM_OPTIONS = [
  option({
    key: 'swarm',
    flag: 'swarm',
    env: ['TIDEWATCH_SWARM'],
    kind: 'string',
    valueName: 'mode',
    description:
      'Swarm services: auto (watch them when the engine is a swarm manager), on (and report when it is not) or off',
    field: 'swarm',
    schema: z.enum(['auto', 'on', 'off']),
    default: 'auto',
  }),
  option({
    key: 'swarmUpdateOrder',
    flag: 'swarm-update-order',
    env: ['TIDEWATCH_SWARM_UPDATE_ORDER'],
    kind: 'string',
    valueName: 'order',
    description: 'Order of a service update, for services without an UpdateConfig: start-first or stop-first',
    field: 'swarmUpdateOrder',
    schema: z.enum(['start-first', 'stop-first']),
    default: 'start-first',
  }),
  option({
    key: 'swarmFailureAction',
    flag: 'swarm-failure-action',
    env: ['TIDEWATCH_SWARM_FAILURE_ACTION'],
    kind: 'string',
    valueName: 'action',
    description:
      'What the swarm does when a task of the new image fails, for services without an UpdateConfig: rollback, pause or continue',
    field: 'swarmFailureAction',
    schema: z.enum(['rollback', 'pause', 'continue']),
    default: 'rollback',
  }),
  // As --verify-window, and for the same reason: long enough for a crash on start to show.
  option({
    key: 'swarmMonitor',
    flag: 'swarm-monitor',
    env: ['TIDEWATCH_SWARM_MONITOR'],
    kind: 'duration',
    valueName: 'duration',
    description: 'Time the swarm watches each new task for a failure, for services without an UpdateConfig',
    field: 'swarmMonitorMs',
    schema: z.number().int().positive(),
    default: 10 * SECOND_MS,
  }),
  // A rolling update of a few dozen tasks with the default monitor fits; a larger service needs more.
  option({
    key: 'swarmTimeout',
    flag: 'swarm-timeout',
    env: ['TIDEWATCH_SWARM_TIMEOUT'],
    kind: 'duration',
    valueName: 'duration',
    description: 'Time Tidewatch follows one service update before it records it as failed',
    field: 'swarmTimeoutMs',
    schema: z.number().int().positive(),
    default: 10 * MINUTE_MS,
  }),
  option({
    key: 'composeWriteBack',
    flag: 'compose-write-back',
    env: ['TIDEWATCH_COMPOSE_WRITE_BACK'],
    kind: 'boolean',
    description:
      'When a tag policy moves a compose service, write the new tag into its compose file and recreate it through compose (label tidewatch.compose.write-back)',
    field: 'composeWriteBack',
    schema: z.boolean(),
    default: false,
  }),
  option({
    key: 'gitopsSources',
    flag: 'gitops-source',
    env: ['TIDEWATCH_GITOPS_SOURCES'],
    kind: 'list',
    valueName: 'source',
    split: 'whitespace',
    description:
      'A git repository of compose projects to deploy, url=URL,branch=B,path=P,interval=D[,name=N,env-dir=DIR,remove-orphans=true,ssh-key=FILE]; repeatable, or separated by ; or newlines',
    field: 'gitopsSources',
    schema: z.array(GitopsSourceSetting),
    default: [],
    read: fromList(parseGitopsSources),
    show: showGitopsSources,
    fileValue: {
      schema: z.array(GitopsSource, { error: 'expected a list of sources' }),
      type: 'list of `url=...` or `{ url, branch, path, interval, ... }`',
    },
  }),
  option({
    key: 'gitopsDir',
    flag: 'gitops-dir',
    env: ['TIDEWATCH_GITOPS_DIR'],
    kind: 'string',
    valueName: 'path',
    description: 'Folder the GitOps checkouts live in',
    field: 'gitopsDir',
    schema: z.string().optional(),
    defaultText: 'gitops/ in the data dir',
  }),
  // undefined: not given; main.ts resolves the default (see resolveDataDir in src/store).
  option({
    key: 'dataDir',
    flag: 'data-dir',
    env: ['TIDEWATCH_DATA_DIR'],
    kind: 'string',
    valueName: 'path',
    description: 'Folder of the store (journal, history)',
    field: 'dataDir',
    schema: z.string().optional(),
    defaultText: '/data in a container, /var/lib/tidewatch as root, else ~/.local/state/tidewatch',
  }),
  option({
    key: 'insecureRegistries',
    flag: 'insecure-registry',
    env: ['TIDEWATCH_INSECURE_REGISTRIES'],
    kind: 'list',
    valueName: 'hosts',
    description: 'Registries reached over plain HTTP, besides localhost and 127.0.0.0/8 (as dockerd)',
    field: 'insecureRegistries',
    schema: z.array(z.string()),
    default: [],
  }),
  // undefined: not given; wiring then uses the engine's own registry-mirrors (docker info).
  option({
    key: 'registryMirrors',
    flag: 'registry-mirror',
    env: ['TIDEWATCH_REGISTRY_MIRRORS'],
    kind: 'list',
    valueName: 'urls',
    description:
      'Docker Hub mirrors, tried in order before Docker Hub, as dockerd registry-mirrors (http(s)://host[:port])',
    field: 'registryMirrors',
    schema: z.array(z.string()).optional(),
    defaultText: "the engine's registry-mirrors",
    read: fromList(parseRegistryMirrors),
  }),
  option({
    key: 'registryLimits',
    flag: 'registry-limit',
    env: ['TIDEWATCH_REGISTRY_LIMITS'],
    kind: 'list',
    valueName: 'limits',
    description:
      'Per-registry budgets, HOST=CONCURRENCY:REQUESTS/WINDOW, either part optional, * for the others (e.g. docker.io=2:100/6h,*=4)',
    field: 'registryLimits',
    schema: z.array(RegistryLimitSetting),
    default: [],
    read: fromList(parseRegistryLimits),
    show: showRegistryLimits,
    fileValue: {
      schema: z.array(RegistryLimit, { error: 'expected a list of limits' }),
      type: 'list of `HOST=SPEC` or `{ registry, concurrency, requests, window }`',
    },
  }),
  // Long enough for a typical Retry-After (seconds), short enough that `check` never seems to hang.
  option({
    key: 'maxRegistryWait',
    flag: 'max-registry-wait',
    env: ['TIDEWATCH_MAX_REGISTRY_WAIT'],
    kind: 'duration',
    valueName: 'duration',
    allowZero: true,
    description:
      'Longest a registry request waits for a Retry-After, a spent quota or its budget; past it the container is unknown',
    field: 'maxRegistryWaitMs',
    schema: z.number().int().nonnegative(),
    default: MINUTE_MS,
  }),
  option({
    key: 'repoUser',
    flag: undefined,
    env: ['TIDEWATCH_REPO_USER', 'REPO_USER'],
    kind: 'string',
    description: 'Registry user for every registry (Watchtower compatible); prefer ~/.docker/config.json',
    field: 'repoUser',
    schema: z.string().optional(),
  }),
  option({
    key: 'repoPass',
    flag: undefined,
    env: ['TIDEWATCH_REPO_PASS', 'REPO_PASS'],
    kind: 'string',
    description: 'Registry password for REPO_USER; TIDEWATCH_REPO_PASS_FILE reads it from a file',
    field: 'repoPass',
    schema: z.string().optional(),
    secret: true,
  }),
  option({
    key: 'dockerConfig',
    flag: undefined,
    env: ['DOCKER_CONFIG'],
    kind: 'string',
    description: 'Folder holding config.json with registry credentials',
    field: 'dockerConfig',
    schema: z.string().optional(),
    defaultText: '~/.docker',
  }),
] as const;
