import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyTestCommand } from '../../src/cli/index.js';
import { loadSettings } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import {
  selfSignedCertificate,
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from '../support/receivers.js';
import { expectExit, runCli } from '../support/tidewatch.js';

/**
 * Every legacy notification setting in Watchtower's docs (WATCHTOWER_NOTIFICATIONS=email|slack|
 * msteams|gotify and their WATCHTOWER_NOTIFICATION_* variables) becomes a URL that really delivers:
 * `tidewatch notify test` sends to a local SMTP server or HTTP receiver for each. Slack and Teams
 * connectors name their real hosts, so those are pointed at the receiver (apiBase).
 */
describe("Watchtower's legacy notification settings deliver", () => {
  let http: HttpReceiver;
  let https: HttpReceiver;
  let smtp: SmtpReceiver;
  let starttls: SmtpReceiver;
  beforeAll(async () => {
    const certificate = selfSignedCertificate();
    http = await startHttpReceiver();
    https = await startHttpReceiver({ tls: certificate });
    smtp = await startSmtpReceiver({ users: { 'wt@example.org': 'app_password' } });
    starttls = await startSmtpReceiver({ tls: certificate });
  });
  afterAll(async () => {
    await Promise.all([http.close(), https.close(), smtp.close(), starttls.close()]);
  });

  /** `notify test` with these variables; returns its exit code and output. */
  async function notifyTest(env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
    let out = '';
    const write = (text: string): void => {
      out += text;
    };
    const settings = loadSettings({}, { WATCHTOWER_NOTIFICATIONS_HOSTNAME: 'wt-host', ...env });
    const code = await notifyTestCommand(settings, silentLogger(), write, write, { apiBase: http.url });
    return { code, out };
  }

  it('email: from, to, server, port, user, password and the subject tag', async () => {
    const { code, out } = await notifyTest({
      WATCHTOWER_NOTIFICATIONS: 'email',
      WATCHTOWER_NOTIFICATION_EMAIL_FROM: 'wt@example.org',
      WATCHTOWER_NOTIFICATION_EMAIL_TO: 'ops@example.org',
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER: '127.0.0.1',
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER_PORT: String(smtp.port),
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER_USER: 'wt@example.org',
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER_PASSWORD: 'app_password',
      WATCHTOWER_NOTIFICATION_EMAIL_DELAY: '2',
      WATCHTOWER_NOTIFICATION_EMAIL_SUBJECTTAG: 'nas',
    });
    expect(out).toMatch(/^ok {6}smtp:\/\/wt%40example\.org:\*\*\*@127\.0\.0\.1:\d+\/.*: 250 /);
    expect(out).not.toContain('app_password');
    expect(code).toBe(0);
    const [mail] = await smtp.waitFor(1);
    expect(mail).toMatchObject({
      from: 'wt@example.org',
      to: ['ops@example.org'],
      user: 'wt@example.org',
      subject: '[nas] Tidewatch updates on wt-host',
    });
    expect(mail?.text).toContain('A test message from Tidewatch on wt-host');
  });

  it('email: EMAIL_SERVER_TLS_SKIP_VERIFY accepts a self-signed STARTTLS certificate (refused without it)', async () => {
    const env = {
      WATCHTOWER_NOTIFICATIONS: 'email',
      WATCHTOWER_NOTIFICATION_EMAIL_FROM: 'wt@example.org',
      WATCHTOWER_NOTIFICATION_EMAIL_TO: 'ops@example.org',
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER: '127.0.0.1',
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER_PORT: String(starttls.port),
    };
    const refused = await notifyTest(env);
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out).toMatch(/^failed {2}smtp:.*certificate/);
    const accepted = await notifyTest({
      ...env,
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER_TLS_SKIP_VERIFY: 'true',
    });
    expect(accepted.code, accepted.out).toBe(0);
    const [mail] = await starttls.waitFor(1);
    expect(mail).toMatchObject({ secure: true, to: ['ops@example.org'] });
  });

  it('slack: hook URL, identifier, channel and icon', async () => {
    const before = http.requests.length;
    const { code, out } = await notifyTest({
      WATCHTOWER_NOTIFICATIONS: 'slack',
      WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL:
        'https://hooks.slack.com/services/T0000000A/B0000000B/XXXXXXXXXXXXXXXXXXXXXXXX',
      WATCHTOWER_NOTIFICATION_SLACK_IDENTIFIER: 'watchtower-server-1',
      WATCHTOWER_NOTIFICATION_SLACK_CHANNEL: '#my-custom-channel',
      WATCHTOWER_NOTIFICATION_SLACK_ICON_URL: 'https://example.org/icon.png',
      WATCHTOWER_NOTIFICATION_TITLE_TAG: 'prod',
    });
    expect(code, out).toBe(0);
    expect(out).not.toContain('XXXXXXXXXXXXXXXXXXXXXXXX');
    const request = http.requests[before];
    expect(request?.url).toBe('/services/T0000000A/B0000000B/XXXXXXXXXXXXXXXXXXXXXXXX');
    expect(request?.json).toMatchObject({
      text: '[prod] Tidewatch updates on wt-host',
      username: 'watchtower-server-1',
      channel: '#my-custom-channel',
      icon_url: 'https://example.org/icon.png',
    });
  });

  it("slack: Discord's Slack-compatible hook goes to Discord's own webhook", async () => {
    const before = http.requests.length;
    const { code } = await notifyTest({
      WATCHTOWER_NOTIFICATIONS: 'slack',
      WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL: 'https://discord.com/api/webhooks/123456/secret-token/slack',
      WATCHTOWER_NOTIFICATION_SLACK_IDENTIFIER: 'wt',
    });
    expect(code).toBe(0);
    expect(http.requests[before]).toMatchObject({
      url: '/api/webhooks/123456/secret-token',
      json: { username: 'wt' },
    });
  });

  it('msteams: a connector hook URL, with log data as facts', async () => {
    const before = http.requests.length;
    const { code } = await notifyTest({
      WATCHTOWER_NOTIFICATIONS: 'msteams',
      WATCHTOWER_NOTIFICATION_MSTEAMS_HOOK_URL:
        'https://contoso.webhook.office.com/webhookb2/11111111-4444@22222222-4444/IncomingWebhook/3333/4444-cccc/V2E',
      WATCHTOWER_NOTIFICATION_MSTEAMS_USE_LOG_DATA: 'true',
      WATCHTOWER_NOTIFICATION_SKIP_TITLE: 'true',
    });
    expect(code).toBe(0);
    const request = http.requests[before];
    expect(request?.url).toBe('/webhookb2/11111111-4444@22222222-4444/IncomingWebhook/3333/4444-cccc/V2E');
    expect(request?.json).toMatchObject({
      '@type': 'MessageCard',
      summary: 'A test message from Tidewatch on wt-host: if you can read it, this notification URL works.',
    });
    expect(request?.json).not.toHaveProperty('title');
  });

  it('msteams: a Workflows hook URL gets an Adaptive Card', async () => {
    const before = http.requests.length;
    const path = '/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SIG';
    const { code } = await notifyTest({
      WATCHTOWER_NOTIFICATIONS: 'msteams',
      WATCHTOWER_NOTIFICATION_MSTEAMS_HOOK_URL: `${http.url}${path}`,
    });
    expect(code).toBe(0);
    expect(http.requests[before]).toMatchObject({ url: path, json: { type: 'message' } });
  });

  it('gotify: URL and token', async () => {
    const before = http.requests.length;
    const { code, out } = await notifyTest({
      WATCHTOWER_NOTIFICATIONS: 'gotify',
      WATCHTOWER_NOTIFICATION_GOTIFY_URL: `${http.url}/`,
      WATCHTOWER_NOTIFICATION_GOTIFY_TOKEN: 'SuperSecretToken',
    });
    expect(code).toBe(0);
    expect(out).not.toContain('SuperSecretToken');
    expect(http.requests[before]?.url).toBe('/message');
    expect(http.requests[before]?.headers['x-gotify-key']).toBe('SuperSecretToken');
  });

  it('gotify: GOTIFY_TLS_SKIP_VERIFY accepts a self-signed certificate (refused without it)', async () => {
    const env = {
      WATCHTOWER_NOTIFICATIONS: 'gotify',
      WATCHTOWER_NOTIFICATION_GOTIFY_URL: https.url,
      WATCHTOWER_NOTIFICATION_GOTIFY_TOKEN: 'tok',
    };
    expect((await notifyTest(env)).code).toBe(1);
    expect(https.requests).toHaveLength(0);
    expect((await notifyTest({ ...env, WATCHTOWER_NOTIFICATION_GOTIFY_TLS_SKIP_VERIFY: 'true' })).code).toBe(
      0,
    );
    expect(https.requests).toHaveLength(1);
  });

  it('`tidewatch notify test` prints what each URL answered, secrets redacted; exit 1 when one failed', async () => {
    const down = await startHttpReceiver();
    await down.down();
    const urls = [
      `generic+http://127.0.0.1:${http.port}/cli?token=cli-secret-1`,
      `gotify://127.0.0.1:${down.port}/cli-secret-2?disabletls=yes`,
    ];
    const result = await runCli([
      'notify',
      'test',
      '--notification-url',
      urls[0] ?? '',
      '--notification-url',
      urls[1] ?? '',
    ]);
    await down.close();
    expectExit(result, 1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`ok      generic+http://127.0.0.1:${http.port}/cli?token=***: HTTP 200`);
    expect(lines[1]).toMatch(
      new RegExp(`^failed  gotify://127\\.0\\.0\\.1:${down.port}/\\*\\*\\*\\?disabletls=yes: .*ECONNREFUSED`),
    );
    expect(result.stdout + result.stderr).not.toMatch(/cli-secret/);
    expect(http.requests.at(-1)).toMatchObject({ path: '/cli', json: { event: 'test' } });

    const none = await runCli(['notify', 'test']);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toContain('no notification URL is configured');
  });
});
