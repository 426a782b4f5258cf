/**
 * Every container label Tidewatch reads, in one table: the reference (docs/configuration.md) is
 * rendered from it, and a unit test runs the label parsers over it, so a label a parser reads but
 * this table does not list fails the build.
 */
export interface LabelSpec {
  readonly key: string;
  /** Watchtower's name for it, read when Tidewatch's is not set. */
  readonly watchtower?: string;
  /** Other names read for it (Watchtower-style spellings Tidewatch accepts too). */
  readonly alsoRead?: readonly string[];
  /** What it takes. */
  readonly values: string;
  readonly meaning: string;
  /** A value the parser accepts (the test parses it). */
  readonly example: string;
}

const WT = 'com.centurylinklabs.watchtower.';

function hook(phase: string, meaning: string): readonly LabelSpec[] {
  return [
    {
      key: `tidewatch.lifecycle.${phase}`,
      watchtower: `${WT}lifecycle.${phase}`,
      values: 'shell command',
      meaning: `${meaning} (with --enable-lifecycle-hooks)`,
      example: 'echo ok',
    },
    {
      key: `tidewatch.lifecycle.${phase}-timeout`,
      watchtower: `${WT}lifecycle.${phase}-timeout`,
      values: 'minutes',
      meaning: `Minutes the ${phase} hook may take (default 1; 0: no limit)`,
      example: '2',
    },
  ];
}

export const LABELS: readonly LabelSpec[] = [
  {
    key: 'tidewatch.enable',
    watchtower: `${WT}enable`,
    values: 'true, false',
    meaning: 'true: watch it (needed with --label-enable); false: never',
    example: 'true',
  },
  {
    key: 'tidewatch.monitor-only',
    watchtower: `${WT}monitor-only`,
    values: 'true, false',
    meaning: 'Report updates for it, never apply them',
    example: 'true',
  },
  {
    key: 'tidewatch.no-pull',
    watchtower: `${WT}no-pull`,
    values: 'true, false',
    meaning: 'As --no-pull, for this container only',
    example: 'false',
  },
  {
    key: 'tidewatch.scope',
    watchtower: `${WT}scope`,
    values: 'name',
    meaning: 'The scope this container belongs to (see --scope)',
    example: 'prod',
  },
  {
    key: 'tidewatch.stop-signal',
    watchtower: `${WT}stop-signal`,
    values: 'signal name or number',
    meaning:
      'Signal to stop it with instead of its own, as `docker kill --signal` takes it (SIGQUIT, quit, SIGRTMIN+3, 3); one the engine would refuse makes the container unknown',
    example: 'SIGQUIT',
  },
  {
    key: 'tidewatch.depends-on',
    watchtower: `${WT}depends-on`,
    values: 'names, comma separated',
    meaning: 'Containers updated before this one, and stopped and started around it',
    example: 'db,cache',
  },
  ...hook('pre-check', 'Run in the container before it is checked'),
  ...hook('pre-update', 'Run in the old container before it is stopped; exit 75 skips the update'),
  ...hook('post-update', 'Run in the new container after it started; a failure is reported'),
  ...hook('post-check', 'Run in the container at the end of the cycle'),
  {
    key: 'tidewatch.image-ref',
    values: 'image reference',
    meaning:
      'Set by Tidewatch, not by you: the reference a dependent was created from, when it had to be recreated from the exact image id it ran (its tag had moved on); it is checked and updated by this reference',
    example: 'registry.example/app:1.0',
  },
  {
    key: 'tidewatch.self',
    watchtower: 'com.centurylinklabs.watchtower',
    alsoRead: [`${WT}self`],
    values: 'true',
    meaning:
      "Marks an updater's own container (Watchtower's label is the bare name, =true): never updated in a cycle",
    example: 'true',
  },
  {
    key: 'tidewatch.verify.timeout',
    values: 'duration',
    meaning: 'As --verify-timeout, for this container',
    example: '30s',
  },
  { key: 'tidewatch.verify.window', values: 'duration', meaning: 'As --verify-window', example: '20s' },
  {
    key: 'tidewatch.verify.cmd',
    values: 'shell command',
    meaning: 'Also run this in the new container once healthy or stable; it must exit 0',
    example: 'wget -q -O- http://127.0.0.1/',
  },
  {
    key: 'tidewatch.verify.http',
    values: 'http(s) URL',
    meaning: 'Also fetch this URL from Tidewatch; it must answer 2xx or 3xx',
    example: 'http://127.0.0.1:8080/health',
  },
  {
    key: 'tidewatch.strategy',
    values: 'stop-first, start-first, auto',
    meaning: 'As --strategy',
    example: 'start-first',
  },
  { key: 'tidewatch.drain', values: 'duration', meaning: 'As --drain (0 for none)', example: '5s' },
  {
    key: 'tidewatch.proxy',
    values: 'nginx, caddy, haproxy, command',
    meaning:
      "The proxy in front: start-first (its default then) points it at the new container once verified, and waits for the old one's requests (docs/proxy-switch.md)",
    example: 'nginx',
  },
  {
    key: 'tidewatch.proxy.port',
    values: 'port',
    meaning: 'The port the proxy dials in the container',
    example: '80',
  },
  {
    key: 'tidewatch.proxy.network',
    values: 'network name',
    meaning: "The network whose address the proxy dials (default: the container's only network)",
    example: 'web',
  },
  {
    key: 'tidewatch.proxy.upstream',
    values: 'file (nginx), handler @id (caddy), BACKEND/SERVER (haproxy)',
    meaning: 'What is switched: the upstream file written, the reverse_proxy handler, the server slot',
    example: '/etc/nginx/upstreams/app.conf',
  },
  {
    key: 'tidewatch.proxy.reload',
    values: 'shell command',
    meaning: 'nginx: run after the upstream file is written (default nginx -s reload)',
    example: 'systemctl reload nginx',
  },
  {
    key: 'tidewatch.proxy.container',
    values: 'container name',
    meaning: 'nginx: run the reload in this container (exec) instead of on the host',
    example: 'edge-nginx',
  },
  {
    key: 'tidewatch.proxy.admin',
    values: 'URL (caddy), unix:/path or tcp:host:port (haproxy)',
    meaning: 'The admin API (caddy, default http://127.0.0.1:2019) or runtime API socket (haproxy)',
    example: 'unix:/run/haproxy/admin.sock',
  },
  {
    key: 'tidewatch.proxy.command',
    values: 'shell command',
    meaning:
      'command: run with TIDEWATCH_PROXY_NEW_ADDRESS, _NEW_ID, _OLD_ADDRESS, _OLD_ID in its environment',
    example: '/usr/local/bin/switch-backend',
  },
  {
    key: 'tidewatch.stop-timeout',
    values: 'duration',
    meaning:
      'Time it gets to stop before it is killed, over its own StopTimeout and --stop-timeout (Watchtower has no such label)',
    example: '60s',
  },
  {
    key: 'tidewatch.policy',
    values: 'digest, patch, minor, major, semver:<range>, regex:<pattern>, pin',
    meaning: 'As --policy: what it may be updated to',
    example: 'minor',
  },
  {
    key: 'tidewatch.tags.include',
    values: 'RE2 pattern',
    meaning: 'Candidate tags must match it',
    example: '^\\d+\\.\\d+$',
  },
  {
    key: 'tidewatch.tags.exclude',
    values: 'RE2 pattern',
    meaning: 'Candidate tags must not match it',
    example: '-rc',
  },
  { key: 'tidewatch.min-age', values: 'duration', meaning: 'As --min-age (0 turns it off)', example: '3d' },
  {
    key: 'tidewatch.min-age.from',
    values: 'seen, created',
    meaning: 'As --min-age-from',
    example: 'created',
  },
  {
    key: 'tidewatch.window',
    values: 'window, or always',
    meaning: 'As --window; always: no window for this container',
    example: 'Sat,Sun 02:00-05:00',
  },
  { key: 'tidewatch.timezone', values: 'IANA zone', meaning: 'As --timezone', example: 'Europe/Berlin' },
  {
    key: 'tidewatch.approve',
    values: 'true, false, number of votes',
    meaning: 'As --approve',
    example: '2',
  },
  {
    key: 'tidewatch.approve.deadline',
    values: 'duration',
    meaning: 'As --approval-deadline (0: never expires)',
    example: '3d',
  },
  {
    key: 'tidewatch.schedule',
    values: '6-field cron',
    meaning: 'Check this container on its own schedule, not the global one',
    example: '0 0 4 * * *',
  },
  {
    key: 'tidewatch.verify.signature',
    values: 'true, false',
    meaning:
      'true: a new image deploys only with a cosign signature by a --signature-key or a Sigstore bundle by a --signature-identity (false cannot waive --require-signature)',
    example: 'true',
  },
  {
    key: 'tidewatch.compose.write-back',
    values: 'true, false',
    meaning: 'As --compose-write-back, for this compose service',
    example: 'true',
  },
];
