import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/index.js';
import { silentLogger } from '../../src/log/index.js';
import {
  Secrets,
  buildTarget,
  buildTargets,
  readNotifyConfig,
  translateLegacy,
} from '../../src/notify/index.js';

const settings = (env: NodeJS.ProcessEnv, flags: Record<string, unknown> = {}) => loadSettings(flags, env);
const targetOf = (url: string) => buildTarget(url, 0, { logger: silentLogger(), secrets: new Secrets() });

describe('notification settings', () => {
  it('URLs come from the repeatable flag, or space-separated variables; commas stay inside a URL', () => {
    const env = { WATCHTOWER_NOTIFICATION_URL: 'telegram://1:tok@telegram?chats=a,b  discord://t@1' };
    expect(readNotifyConfig(settings(env), 'h').urls).toEqual([
      'telegram://1:tok@telegram?chats=a,b',
      'discord://t@1',
    ]);
    const both = { ...env, TIDEWATCH_NOTIFICATION_URL: 'gotify://g/t' };
    expect(readNotifyConfig(settings(both), 'h').urls).toEqual(['gotify://g/t']);
    const flags = { notificationUrls: ['slack://hook:a-b-c@webhook', 'smtp://h/?from=a@b&to=c@d,e@f'] };
    expect(readNotifyConfig(settings(env, flags), 'h').urls).toEqual(flags.notificationUrls);
  });

  it("the title is Watchtower's: tag, host name override, or none", () => {
    expect(readNotifyConfig(settings({}), 'box').title).toBe('Tidewatch updates on box');
    const tagged = settings({
      WATCHTOWER_NOTIFICATION_TITLE_TAG: 'prod',
      WATCHTOWER_NOTIFICATIONS_HOSTNAME: 'nas',
    });
    expect(readNotifyConfig(tagged, 'box')).toMatchObject({
      title: '[prod] Tidewatch updates on nas',
      host: 'nas',
    });
    // Watchtower's legacy e-mail subject tag is the title tag when none is set.
    expect(
      readNotifyConfig(settings({ WATCHTOWER_NOTIFICATION_EMAIL_SUBJECTTAG: 'mail' }), 'box').title,
    ).toBe('[mail] Tidewatch updates on box');
    expect(
      readNotifyConfig(settings({ WATCHTOWER_NOTIFICATION_SKIP_TITLE: 'true' }), 'box').title,
    ).toBeUndefined();
  });

  it('level, report, delay, timeout and drain are read; a bad level names its variable', () => {
    const config = readNotifyConfig(
      settings({
        WATCHTOWER_NOTIFICATIONS_LEVEL: 'WARN',
        WATCHTOWER_NOTIFICATION_REPORT: 'true',
        WATCHTOWER_NOTIFICATIONS_DELAY: '5',
        TIDEWATCH_NOTIFICATION_TIMEOUT: '3s',
        TIDEWATCH_NOTIFICATION_DRAIN: '0',
      }),
      'h',
    );
    expect(config).toMatchObject({ level: 'warn', report: true, delayMs: 5000, timeoutMs: 3000, drainMs: 0 });
    expect(readNotifyConfig(settings({}), 'h')).toMatchObject({
      level: 'info',
      report: false,
      delayMs: 0,
      timeoutMs: 10_000,
    });
    expect(() => settings({ WATCHTOWER_NOTIFICATIONS_LEVEL: 'loud' })).toThrow(
      /^WATCHTOWER_NOTIFICATIONS_LEVEL: /,
    );
  });

  it("a global template is parsed at start; Watchtower's Go template is not run, and said so", () => {
    expect(() => settings({ TIDEWATCH_NOTIFICATION_TEMPLATE: '{{#x}}' })).not.toThrow();
    expect(() => readNotifyConfig(settings({ TIDEWATCH_NOTIFICATION_TEMPLATE: '{{#x}}' }), 'h')).toThrow(
      '--notification-template: {{#x}} is never closed',
    );
    const config = readNotifyConfig(
      settings({ WATCHTOWER_NOTIFICATION_TEMPLATE: '{{range .}}{{.Message}}{{end}}' }),
      'h',
    );
    expect(config.template).toBeUndefined();
    expect(config.warnings[0]).toContain('WATCHTOWER_NOTIFICATION_TEMPLATE');
  });
});

describe('notification URLs', () => {
  it('an unknown scheme, or a URL a service cannot use, stops Tidewatch naming it without its secrets', () => {
    expect(() => targetOf('foo://secret@x')).toThrow(
      /^notification URL #1 \(foo:\/\/…\): "foo" is not a supported service/,
    );
    expect(() => targetOf('discord://@123')).toThrow('expected discord://TOKEN@WEBHOOK_ID');
    expect(() => targetOf('slack://hook:only@webhook')).toThrow('expected slack://hook:');
    expect(() => targetOf('telegram://123:tok@telegram')).toThrow('chats=');
    expect(() => targetOf('smtp://host/?fromAddress=a@b')).toThrow('toAddresses');
    try {
      targetOf('telegram://123:verysecret@telegram');
    } catch (error) {
      expect(String(error)).not.toContain('verysecret');
    }
  });

  it('the same URL twice is one target; ids never contain the URL', () => {
    const targets = buildTargets(['discord://tok123@1', 'discord://tok123@1', 'discord://tok456@1'], {
      logger: silentLogger(),
      secrets: new Secrets(),
    });
    expect(targets).toHaveLength(2);
    expect(targets[0]?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(targets.map((target) => target.label)).toEqual(['discord://***@1', 'discord://***@1']);
  });

  it.each([
    ['slack://hook:T0000000A-B0000000B-secretsecretsecretsecret1@webhook', 'secretsecretsecretsecret1'],
    ['slack://bot@T0000000A/B0000000B/secretsecretsecretsecret1', 'secretsecretsecretsecret1'],
    ['teams://g@t/alt/owner/extraSECRET?host=o.webhook.office.com', 'extraSECRET'],
    ['gotify://host/path/tokSECRET', 'tokSECRET'],
    ['ntfy://u:pwSECRET@host/topic', 'pwSECRET'],
    ['ntfy://:tkSECRET@host/topic', 'tkSECRET'],
    ['telegram://123:tokSECRET@telegram?chats=1', 'tokSECRET'],
    ['pushover://shoutrrr:tokSECRET@user/', 'tokSECRET'],
    ['smtp://u:pw%20SECRET@host/?from=a@b&to=c@d', 'SECRET'],
    ['matrix://u:pwSECRET@host/', 'pwSECRET'],
    ['mattermost://host/tokSECRET/chan', 'tokSECRET'],
    ['rocketchat://host/aSECRET/bSECRET/chan', 'SECRET'],
    ['googlechat://chat.googleapis.com/v1/spaces/X/messages?key=kSECRET&token=tSECRET', 'SECRET'],
    ['generic+https://host/p?apikey=kSECRET&@Authorization=Bearer%20bSECRET', 'SECRET'],
    ['mqtt://u:pwSECRET@host?topic=t', 'pwSECRET'],
  ])('%s is shown with its secrets redacted', (url, secret) => {
    const secrets = new Secrets();
    const target = buildTarget(url, 0, { logger: silentLogger(), secrets });
    expect(target.label).not.toContain(secret);
    expect(target.label).toContain('***');
    // Errors that echo the URL are redacted the same way.
    expect(secrets.redact(`request to ${url} failed`)).not.toContain(secret);
  });
});

describe("Watchtower's legacy notification settings", () => {
  const legacy = (env: NodeJS.ProcessEnv) => translateLegacy(settings(env).legacyNotifications);

  it.each([
    [
      'email, with login and every setting',
      {
        WATCHTOWER_NOTIFICATIONS: 'email',
        WATCHTOWER_NOTIFICATION_EMAIL_FROM: 'wt@example.org',
        WATCHTOWER_NOTIFICATION_EMAIL_TO: 'ops@example.org',
        WATCHTOWER_NOTIFICATION_EMAIL_SERVER: 'smtp.example.org',
        WATCHTOWER_NOTIFICATION_EMAIL_SERVER_PORT: '587',
        WATCHTOWER_NOTIFICATION_EMAIL_SERVER_USER: 'wt@example.org',
        WATCHTOWER_NOTIFICATION_EMAIL_SERVER_PASSWORD: 'p@ss word',
        WATCHTOWER_NOTIFICATION_EMAIL_SERVER_TLS_SKIP_VERIFY: 'true',
      },
      'smtp://wt%40example.org:p%40ss%20word@smtp.example.org:587/?fromAddress=wt%40example.org&fromName=Tidewatch&toAddresses=ops%40example.org&auth=Plain&insecureskipverify=yes',
    ],
    [
      'email, without login, default port',
      {
        WATCHTOWER_NOTIFICATIONS: 'email',
        WATCHTOWER_NOTIFICATION_EMAIL_FROM: 'a@b.c',
        WATCHTOWER_NOTIFICATION_EMAIL_TO: 'd@e.f',
        WATCHTOWER_NOTIFICATION_EMAIL_SERVER: 'mail',
      },
      'smtp://mail:25/?fromAddress=a%40b.c&fromName=Tidewatch&toAddresses=d%40e.f&auth=None',
    ],
    [
      'slack',
      {
        WATCHTOWER_NOTIFICATIONS: 'slack',
        WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL:
          'https://hooks.slack.com/services/T0000000A/B0000000B/XXXXXXXXXXXXXXXXXXXXXXXX',
        WATCHTOWER_NOTIFICATION_SLACK_IDENTIFIER: 'watchtower-server-1',
        WATCHTOWER_NOTIFICATION_SLACK_CHANNEL: '#my-custom-channel',
        WATCHTOWER_NOTIFICATION_SLACK_ICON_EMOJI: ':whale:',
      },
      'slack://hook:T0000000A-B0000000B-XXXXXXXXXXXXXXXXXXXXXXXX@webhook?botname=watchtower-server-1&channel=%23my-custom-channel&icon=%3Awhale%3A',
    ],
    [
      "slack, with Discord's Slack-compatible hook",
      {
        WATCHTOWER_NOTIFICATIONS: 'slack',
        WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL: 'https://discord.com/api/webhooks/123456/tok-en/slack',
        WATCHTOWER_NOTIFICATION_SLACK_IDENTIFIER: 'wt',
      },
      'discord://tok-en@123456?username=wt',
    ],
    [
      'msteams, a connector webhook, with log data',
      {
        WATCHTOWER_NOTIFICATIONS: 'msteams',
        WATCHTOWER_NOTIFICATION_MSTEAMS_HOOK_URL:
          'https://contoso.webhook.office.com/webhookb2/11111111-4444@22222222-4444/IncomingWebhook/3333/4444-cccc/V2E',
        WATCHTOWER_NOTIFICATION_MSTEAMS_USE_LOG_DATA: 'true',
      },
      'teams://11111111-4444@22222222-4444/3333/4444-cccc/V2E?host=contoso.webhook.office.com&facts=yes',
    ],
    [
      'msteams, the first connector format',
      {
        WATCHTOWER_NOTIFICATIONS: 'msteams',
        WATCHTOWER_NOTIFICATION_MSTEAMS_HOOK_URL:
          'https://outlook.office.com/webhook/xxxxxxxx@xxxxxxx/IncomingWebhook/yyyyyyyy/zzzzzzzzzz',
      },
      'teams://xxxxxxxx%40xxxxxxx/yyyyyyyy/zzzzzzzzzz',
    ],
    [
      'msteams, a Workflows webhook',
      {
        WATCHTOWER_NOTIFICATIONS: 'msteams',
        WATCHTOWER_NOTIFICATION_MSTEAMS_HOOK_URL:
          'https://prod-00.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=S',
      },
      'teams+https://prod-00.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=S',
    ],
    [
      'gotify over http, TLS unverified',
      {
        WATCHTOWER_NOTIFICATIONS: 'gotify',
        WATCHTOWER_NOTIFICATION_GOTIFY_URL: 'http://my.gotify.tld:8080/sub/',
        WATCHTOWER_NOTIFICATION_GOTIFY_TOKEN: 'SuperSecretToken',
        WATCHTOWER_NOTIFICATION_GOTIFY_TLS_SKIP_VERIFY: 'true',
      },
      'gotify://my.gotify.tld:8080/sub/SuperSecretToken?disabletls=yes&insecureskipverify=yes',
    ],
  ])('%s becomes a URL Tidewatch sends to', (_name, env, url) => {
    expect(legacy(env).urls).toEqual([url]);
    expect(() => targetOf(url)).not.toThrow();
  });

  it('several types at once ("slack msteams", as Watchtower documents), and shoutrrr means the URLs', () => {
    const env = {
      WATCHTOWER_NOTIFICATIONS: 'gotify shoutrrr,slack',
      WATCHTOWER_NOTIFICATION_GOTIFY_URL: 'https://g.example.org',
      WATCHTOWER_NOTIFICATION_GOTIFY_TOKEN: 'tok',
      WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL: 'https://hooks.slack.com/services/A/B/C',
      WATCHTOWER_NOTIFICATION_URL: 'discord://t@1',
    };
    expect(readNotifyConfig(settings(env), 'h').urls).toEqual([
      'discord://t@1',
      'gotify://g.example.org/tok',
      'slack://hook:A-B-C@webhook',
    ]);
  });

  it("the e-mail delay is Watchtower's delay for every notification", () => {
    const env = {
      WATCHTOWER_NOTIFICATIONS: 'email',
      WATCHTOWER_NOTIFICATION_EMAIL_FROM: 'a@b.c',
      WATCHTOWER_NOTIFICATION_EMAIL_TO: 'd@e.f',
      WATCHTOWER_NOTIFICATION_EMAIL_SERVER: 'mail',
      WATCHTOWER_NOTIFICATION_EMAIL_DELAY: '2',
    };
    expect(readNotifyConfig(settings(env), 'h').delayMs).toBe(2000);
  });

  it.each([
    [{ WATCHTOWER_NOTIFICATIONS: 'email' }, 'WATCHTOWER_NOTIFICATION_EMAIL_FROM is not set'],
    [{ WATCHTOWER_NOTIFICATIONS: 'slack' }, 'WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL is not set'],
    [
      { WATCHTOWER_NOTIFICATIONS: 'gotify', WATCHTOWER_NOTIFICATION_GOTIFY_URL: 'ftp://x' },
      'not an http(s) URL',
    ],
    [
      {
        WATCHTOWER_NOTIFICATIONS: 'slack',
        WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL: 'https://chat.example.org/hooks/x',
      },
      'neither a Slack',
    ],
    [{ WATCHTOWER_NOTIFICATIONS: 'pager' }, 'unknown type "pager"'],
  ])('%j stops Tidewatch at start: %s', (env, message) => {
    expect(() => legacy(env)).toThrow(message);
  });
});
