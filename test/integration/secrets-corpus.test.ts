import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notifyTestCommand } from '../../src/cli/index.js';
import { loadSettings } from '../../src/config/index.js';
import { storeFile } from '../../src/store/index.js';
import { createLogger } from '../../src/log/index.js';
import {
  assertEngine,
  buildAndPush,
  cleanupLab,
  runContainer,
  startRegistry,
  uniqueName,
  type LabRegistry,
  freePort,
} from '../lab/index.js';
import { startDaemon } from '../support/daemon.js';
import { publishUpdate } from '../support/images.js';
import { openEventStream } from '../support/api.js';
import { startHttpReceiver, type HttpReceiver } from '../support/receivers.js';
import { logLines, runCli, type CliResult } from '../support/tidewatch.js';

/**
 * The secrets corpus (issue 21): a secret value in every credential field, URL form and variable
 * Tidewatch reads, then everything Tidewatch shows or keeps (config print and check, check, notify
 * test, gitops, once, run's logs at trace, its API answers and event stream, history, the store's
 * files byte for byte) must hold none of them. The receiver every service is sent to answers 500
 * with the request it got echoed back, as a hostile or chatty server does.
 */
const secret = (name: string): string => `twsc${name}${randomBytes(6).toString('hex')}`;
const S = {
  apiToken: secret('apitoken'),
  wtApiToken: secret('wtapitoken'),
  webhookSecret: secret('webhooksecret'),
  oidcClientSecret: secret('oidcclientsecret'),
  controllerToken: secret('controllertoken'),
  repoPass: secret('repopass'),
  registryPass: secret('registrypass'),
  ghcrPass: secret('ghcrpass'),
  gitPass: secret('gitpass'),
  gitToken: secret('gittoken'),
  legacyEmailPass: secret('legacyemailpass'),
  legacySlack: secret('legacyslack'),
  legacyTeams: secret('legacyteams'),
  legacyGotify: secret('legacygotify'),
  teamsHook: secret('teamshook'),
  teamsWorkflow: secret('teamsworkflow'),
  teamsSig: secret('teamssig'),
  gotify: secret('gotify'),
  ntfyToken: secret('ntfytoken'),
  ntfyPass: secret('ntfypass'),
  matrixPass: secret('matrixpass'),
  mattermost: secret('mattermost'),
  rocketA: secret('rocketa'),
  rocketB: secret('rocketb'),
  genericPass: secret('genericpass'),
  genericToken: secret('generictoken'),
  genericHeader: secret('genericheader'),
  smtpPass: secret('smtppass'),
  mqttPass: secret('mqttpass'),
  discord: secret('discord'),
  slackHook: secret('slackhook'),
  slackBot: secret('slackbot'),
  slackLegacy: secret('slacklegacy'),
  telegram: secret('telegram'),
  pushoverToken: secret('pushovertoken'),
  pushoverUser: secret('pushoveruser'),
  chatKey: secret('chatkey'),
  chatToken: secret('chattoken'),
  teamsGroup: secret('teamsgroup'),
  teamsTenant: secret('teamstenant'),
  teamsExtra: secret('teamsextra'),
  teamsConnector: secret('teamsconnector'),
  bark: secret('bark'),
  ifttt: secret('ifttt'),
  join: secret('join'),
  opsgenie: secret('opsgenie'),
  pushbullet: secret('pushbullet').padEnd(34, 'x').slice(0, 34),
  zulip: secret('zulip'),
};
const SECRETS = Object.values(S);
const USER = 'corpus-user';

/**
 * A git repository served over git's "dumb" HTTP protocol (static files) behind Basic auth, so a
 * GitOps source with credentials in its URL really clones.
 */
async function serveGitRepo(root: string, user: string, password: string): Promise<Server> {
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], {
      stdio: 'ignore',
    });
  };
  const work = join(root, 'work');
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'README'), 'no projects\n');
  git('init', '-q', '-b', 'main', work);
  git('-C', work, 'add', '.');
  git('-C', work, 'commit', '-q', '-m', 'first');
  git('clone', '-q', '--bare', work, join(root, 'stacks.git'));
  git('-C', join(root, 'stacks.git'), 'update-server-info');
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const server = createHttpServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const path = join(root, new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Every secret found in `text`, with the place it was found in, for one readable failure. */
function leaks(where: string, text: string): string[] {
  return SECRETS.filter((value) => text.includes(value)).map((value) => `${where}: ${value}`);
}

describe('no secret in clear anywhere (the secrets corpus)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-secrets-'));
  const dataDir = join(dir, 'data');
  const found: string[] = [];
  let registry: LabRegistry;
  let echo: HttpReceiver;
  let gitServer: Server;
  let down: number;
  let container: string;
  let image: string;
  let scope: string;
  let configFile: string;
  /** The notification URLs that reach only loopback (the CLI cannot point fixed-host services elsewhere). */
  let localUrls: string[];
  /** Services with a fixed host (Slack, Discord, ...): only parsed by the CLI, sent to in-process. */
  let remoteUrls: string[];
  let env: NodeJS.ProcessEnv;

  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const record = (where: string, result: CliResult): CliResult => {
    found.push(...leaks(`${where} stdout`, result.stdout), ...leaks(`${where} stderr`, result.stderr));
    return result;
  };

  beforeAll(async () => {
    await assertEngine();
    registry = await startRegistry({ htpasswd: { username: USER, password: S.registryPass } });
    echo = await startHttpReceiver();
    // A chatty server: every answer echoes what it got, secrets and all.
    echo.respond((request) => ({
      status: 500,
      body: JSON.stringify({ url: request.url, headers: request.headers, body: request.body }),
    }));
    down = await freePort();
    gitServer = await serveGitRepo(join(dir, 'git'), 'git', S.gitPass);
    const gitAddress = gitServer.address();
    const gitPort = typeof gitAddress === 'object' && gitAddress !== null ? gitAddress.port : 1;
    image = `${registry.host}/${uniqueName('secrets')}:latest`;
    await buildAndPush(image, {}, registry.auth);
    container = uniqueName('secrets');
    // Its own scope: `run` watches no other test's container on the shared engine.
    scope = uniqueName('secrets-scope');
    await runContainer(container, image, { Labels: { 'tidewatch.scope': scope } });

    const at = `127.0.0.1:${echo.port}`;
    localUrls = [
      `teams+http://${at}/webhookb2/${S.teamsHook}/IncomingWebhook/x`,
      `teams+http://${at}/workflows/${S.teamsWorkflow}/triggers/manual/paths/invoke?api-version=1&sig=${S.teamsSig}`,
      `gotify://${at}/${S.gotify}?disabletls=yes`,
      `ntfy://:${S.ntfyToken}@${at}/topic?disabletls=yes`,
      `ntfy://me:${S.ntfyPass}@${at}/topic?disabletls=yes`,
      `matrix://me:${S.matrixPass}@${at}/?disabletls=yes`,
      `mattermost://me@${at}/${S.mattermost}?disabletls=yes`,
      `rocketchat://me@${at}/${S.rocketA}/${S.rocketB}?disabletls=yes`,
      `generic+http://me:${S.genericPass}@${at}/hook?token=${S.genericToken}&@Authorization=Bearer%20${S.genericHeader}`,
      `smtp://me:${S.smtpPass}@127.0.0.1:${down}/?fromAddress=a@example.org&toAddresses=b@example.org`,
      `mqtt://me:${S.mqttPass}@127.0.0.1:${down}?topic=t&disabletls=yes`,
      `bark://:${S.bark}@${at}/?scheme=http`,
    ];
    remoteUrls = [
      `discord://${S.discord}@123456`,
      `slack://hook:T0-B0-${S.slackHook}@webhook`,
      `slack://xoxb:1234-${S.slackBot}@C0123`,
      `slack://bot@T0/B0/${S.slackLegacy}`,
      `telegram://123456:${S.telegram}@telegram?chats=1`,
      `pushover://shoutrrr:${S.pushoverToken}@${S.pushoverUser}/`,
      `googlechat://chat.googleapis.com/v1/spaces/X/messages?key=${S.chatKey}&token=${S.chatToken}`,
      `teams://${S.teamsGroup}@${S.teamsTenant}/alt/owner/${S.teamsExtra}?host=o.webhook.office.com`,
      `teams+https://o.webhook.office.com/webhookb2/${S.teamsConnector}@t/IncomingWebhook/a/b/c`,
      `ifttt://${S.ifttt}/?events=e`,
      `join://shoutrrr:${S.join}@join/?devices=d`,
      `opsgenie://api.opsgenie.com/${S.opsgenie}`,
      `pushbullet://${S.pushbullet}/dev`,
      `zulip://bot%40z.example.org:${S.zulip}@z.example.org/?stream=s`,
    ];
    configFile = file(
      'tidewatch.yml',
      [
        'registries:',
        `  - { host: ${registry.host}, username: ${USER}, passwordFile: registry-password }`,
        `  - { host: ghcr.io, username: me, password: ${S.ghcrPass} }`,
      ].join('\n'),
    );
    file('registry-password', `${S.registryPass}\n`);
    env = {
      TIDEWATCH_DATA_DIR: dataDir,
      DOCKER_CONFIG: join(dir, 'docker'),
      TIDEWATCH_CONFIG: configFile,
      TIDEWATCH_LOG_LEVEL: 'trace',
      TIDEWATCH_SCOPE: scope,
      TIDEWATCH_API_TOKEN: S.apiToken,
      WATCHTOWER_HTTP_API_TOKEN: S.wtApiToken,
      TIDEWATCH_WEBHOOK_SECRET: S.webhookSecret,
      // Discovery waits for the first sign-in: nothing listens at this issuer, and nothing needs to.
      TIDEWATCH_OIDC_ISSUER: `http://127.0.0.1:${down}/`,
      TIDEWATCH_OIDC_CLIENT_ID: 'tidewatch',
      TIDEWATCH_OIDC_CLIENT_SECRET_FILE: file('oidc-client-secret', `${S.oidcClientSecret}\n`),
      TIDEWATCH_OIDC_ALLOWED_SUBJECTS: 'alice',
      TIDEWATCH_CONTROLLER_TOKEN_FILE: file('controller-token', `${S.controllerToken}\n`),
      REPO_USER: USER,
      REPO_PASS: S.repoPass,
      TIDEWATCH_GITOPS_SOURCES: [
        `url=http://git:${S.gitPass}@127.0.0.1:${gitPort}/stacks.git,branch=main`,
        `url=https://${S.gitToken}@127.0.0.1:${down}/org/other.git,name=other`,
      ].join(';'),
      TIDEWATCH_NOTIFICATION_URL: localUrls.join(' '),
      TIDEWATCH_NOTIFICATION_REPORT: 'true',
      TIDEWATCH_NOTIFICATION_TIMEOUT: '3s',
      TIDEWATCH_NOTIFICATION_DRAIN: '3s',
      WATCHTOWER_NOTIFICATIONS: 'email msteams gotify',
      WATCHTOWER_NOTIFICATION_EMAIL_FROM: 'wt@example.org',
      WATCHTOWER_NOTIFICATION_EMAIL_TO: 'ops@example.org',
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER: '127.0.0.1',
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER_PORT: String(down),
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER_USER: 'wt@example.org',
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER_PASSWORD: S.legacyEmailPass,
      WATCHTOWER_NOTIFICATION_MSTEAMS_HOOK_URL: `http://${at}/webhookb2/${S.legacyTeams}/IncomingWebhook/x`,
      WATCHTOWER_NOTIFICATION_GOTIFY_URL: `http://${at}`,
      WATCHTOWER_NOTIFICATION_GOTIFY_TOKEN: S.legacyGotify,
    };
  });
  beforeEach(() => {
    found.splice(0);
  });
  afterAll(async () => {
    await cleanupLab();
    await registry.stop();
    await echo.close();
    await new Promise((resolve) => gitServer.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('config print and config check show none, every URL form and legacy variable included', async () => {
    // The fixed-host services and the legacy Slack hook are only parsed here: nothing is sent.
    const all = {
      ...env,
      TIDEWATCH_NOTIFICATION_URL: [...localUrls, ...remoteUrls].join(' '),
      WATCHTOWER_NOTIFICATIONS: 'email slack msteams gotify',
      WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL: `https://hooks.slack.com/services/T0/B0/${S.legacySlack}`,
    };
    const printed = record('config print', await runCli(['config', 'print'], all));
    const checked = record('config check', await runCli(['config', 'check'], all));
    expect(found).toEqual([]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(checked.code, checked.stderr).toBe(0);
    // Not a blank page: the URLs are there, their secrets are not.
    expect(printed.stdout).toContain(`teams+http://127.0.0.1:${echo.port}/webhookb2/***/IncomingWebhook/***`);
    expect(printed.stdout).toContain('url: http://***@127.0.0.1');
  });

  it('check at trace shows none', async () => {
    const result = record('check', await runCli(['check', container], env));
    expect(result.code, result.stderr).not.toBeNull();
    expect(logLines(result.stderr).length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });

  it('notify test at trace shows none, even with a server that echoes them', async () => {
    const result = record('notify test', await runCli(['notify', 'test'], env));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('failed  teams+http://');
    expect(echo.requests.length).toBeGreaterThan(0);

    // The fixed-host services, in-process, sent to the echoing receiver instead.
    let out = '';
    const write = (text: string): void => {
      out += text;
    };
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out += chunk.toString();
        done();
      },
    });
    const settings = loadSettings(
      {},
      { ...env, TIDEWATCH_CONFIG: undefined, TIDEWATCH_NOTIFICATION_URL: remoteUrls.join(' ') },
    );
    const logger = createLogger({ level: 'trace', pretty: false, destination: logs });
    expect(await notifyTestCommand(settings, logger, write, write, { apiBase: echo.url })).toBe(1);
    found.push(...leaks('notify test (fixed-host services)', out));
    expect(found).toEqual([]);
  });

  it('gitops, once, history: none in the output, the logs or the store', async () => {
    const gitops = record('gitops', await runCli(['gitops'], env));
    // The source with a password in its URL was really cloned (into the data dir, read below).
    expect(gitops.stdout).toMatch(/^stacks: (applied|unchanged)/m);
    // An update, so `once` queues a message to every URL, which the store keeps (delivery fails).
    await publishUpdate(image, {}, registry.auth);
    const once = record('once', await runCli(['once', container], env));
    expect(once.code, once.stderr).not.toBeNull();
    record('history', await runCli(['history'], env));
    const listing = (folder: string): string[] =>
      readdirSync(folder).flatMap((entry) => {
        const path = join(folder, entry);
        return statSync(path).isDirectory() ? listing(path) : [path];
      });
    const stored = listing(dataDir);
    const db = new Database(storeFile(dataDir), { readonly: true });
    try {
      // Not a vacuous read: the outbox holds a row (label, error) for each URL.
      const labels = db.prepare('SELECT target_label FROM outbox').pluck().all();
      expect(labels).toContain(`gotify://127.0.0.1:${echo.port}/***?disabletls=yes`);
    } finally {
      db.close();
    }
    for (const path of stored) found.push(...leaks(path, readFileSync(path).toString('latin1')));
    expect(found).toEqual([]);
  });

  it('run at trace: none in its logs, its API answers or its event stream', async () => {
    const daemon = await startDaemon([], { ...env, TIDEWATCH_HTTP_ADDR: '127.0.0.1:0' });
    try {
      const url = String(logLines(daemon.stderr()).find((line) => line.msg === 'api listening')?.url);
      const auth = { authorization: `Bearer ${S.apiToken}` };
      const stream = await openEventStream(`${url}/api/v1/events`, auth);
      const answers: string[] = [];
      const get = async (path: string, headers: Record<string, string> = auth): Promise<void> => {
        const response = await fetch(`${url}${path}`, { headers });
        answers.push(`${path} ${response.status} ${await response.text()}`);
      };
      await fetch(`${url}/api/v1/check`, { method: 'POST', headers: auth });
      for (const path of [
        '/api/v1/containers',
        `/api/v1/containers/${container}`,
        '/api/v1/updates',
        '/api/v1/approvals',
        '/api/v1/bundles',
        '/api/v1/fleet',
        '/api/v1/services',
        '/api/v1/gitops/sources',
        '/api/v1/notifications/outbox',
        '/api/v1/config',
        '/api/v1/session',
        '/api/v1/openapi.json',
        '/metrics',
        '/healthz',
      ]) {
        await get(path);
      }
      await get('/api/v1/containers', { authorization: 'Bearer wrong' });
      // Docker Hub and Quay put the webhook secret in the URL: it must not come back in a log line.
      const hook = await fetch(`${url}/api/v1/webhooks/dockerhub?secret=${S.webhookSecret}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ repository: { repo_name: 'nothing/here' }, push_data: { tag: 'v1' } }),
      });
      answers.push(`webhook ${hook.status} ${await hook.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      stream.close();
      found.push(...leaks('API answers', answers.join('\n')));
      found.push(...leaks('event stream', JSON.stringify(stream.events)));
      expect(answers.join('\n')).toContain('/api/v1/containers 200');
      // The dashboard's views answer, secrets and all hidden (checked by leaks above).
      for (const path of ['/api/v1/gitops/sources', '/api/v1/notifications/outbox', '/api/v1/config']) {
        expect(answers.join('\n')).toContain(`${path} 200`);
      }
      expect(answers.join('\n')).toMatch(/\/api\/v1\/config 200 .*\*\*\*/);
    } finally {
      await daemon.stop();
      found.push(...leaks('run log', daemon.stderr()));
    }
    expect(found).toEqual([]);
  });
});
