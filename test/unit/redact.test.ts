import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/index.js';
import {
  REDACTED,
  Secrets,
  isSecretKey,
  redactSettings,
  redactText,
  redactUrl,
  urlSecrets,
} from '../../src/domain/redact.js';

describe('redactUrl: every URL form Tidewatch reads', () => {
  it.each([
    // GitOps sources, registries, Watchtower's legacy hooks: the whole user part of http(s).
    ['https://gituser:GITPASS@git.example/org/repo.git', 'https://***@git.example/org/repo.git'],
    ['https://ghp_TOKEN@github.com/o/r.git', 'https://***@github.com/o/r.git'],
    ['ssh://git@host:2222/o/r.git', 'ssh://git@host:2222/o/r.git'],
    ['git@host:o/r.git', 'git@host:o/r.git'],
    ['user:PASS@host:o/r.git', 'user:***@host:o/r.git'],
    ['https://hooks.slack.com/services/T0/B0/XSECRET', 'https://hooks.slack.com/services/***/***/***'],
    ['https://discord.com/api/webhooks/1/DTOKEN/slack', 'https://discord.com/api/webhooks/***/***/slack'],
    [
      'http://127.0.0.1:1/webhookb2/G@T/IncomingWebhook/A',
      'http://127.0.0.1:1/webhookb2/***/IncomingWebhook/***',
    ],
    ['https://x.example/hook?token=QTOKEN&n=1', 'https://x.example/hook?token=***&n=1'],
    // Notification URLs, one rule per service (src/notify/channels).
    [
      'teams+https://org.webhook.office.com/webhookb2/G@T/IncomingWebhook/ALT/OWNER/EXTRA',
      'teams+https://org.webhook.office.com/webhookb2/***/IncomingWebhook/***/***/***',
    ],
    [
      'teams+https://p.logic.azure.com:443/workflows/WF/triggers/manual/paths/invoke?api-version=1&sig=SIG',
      'teams+https://p.logic.azure.com:443/workflows/***/triggers/manual/paths/invoke?api-version=1&sig=***',
    ],
    [
      'teams://g@t/alt/owner/extra?host=o.webhook.office.com',
      'teams://***@***/***/***/***?host=o.webhook.office.com',
    ],
    ['teams://A1/B2/C3', 'teams://***/***/***'],
    ['slack://hook:T0-B0-XXXX@webhook?channel=x', 'slack://hook:***@webhook?channel=x'],
    ['slack://bot@T000/B000/XXXX', 'slack://bot@***/***/***'],
    ['discord://tok@123?username=x', 'discord://***@123?username=x'],
    ['telegram://123:ABC@telegram?chats=@c', 'telegram://***@telegram?chats=@c'],
    ['pushover://shoutrrr:TOK@USERKEY/?devices=a', 'pushover://shoutrrr:***@***/?devices=a'],
    ['gotify://host/path/TOKG?priority=1', 'gotify://host/path/***?priority=1'],
    ['rocketchat://u@host/hooks/TA/TB/chan', 'rocketchat://u@host/hooks/***/***/chan'],
    ['mattermost://u@host/TOKM/chan', 'mattermost://u@host/***/chan'],
    [
      'googlechat://chat.googleapis.com/v1/spaces/X/messages?key=K1&token=T1',
      'googlechat://chat.googleapis.com/v1/spaces/X/messages?key=***&token=***',
    ],
    [
      'generic+https://h/p?apikey=k&@Authorization=Bearer%20b&title=x',
      'generic+https://h/p?apikey=***&@Authorization=***&title=x',
    ],
    [
      'smtp://u%40x:pw@host:25/?fromAddress=a&auth=Plain',
      'smtp://u%40x:***@host:25/?fromAddress=a&auth=Plain',
    ],
    ['ntfy://:tk@host/topic', 'ntfy://:***@host/topic'],
    ['matrix://u:pw@host/?rooms=!r:h', 'matrix://u:***@host/?rooms=!r:h'],
    ['mqtt://u:p@h?topic=t', 'mqtt://u:***@h?topic=t'],
    // Nothing secret: as written.
    ['tcp://127.0.0.1:2375', 'tcp://127.0.0.1:2375'],
    ['https://registry.example/v2/', 'https://registry.example/v2/'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('lists the secrets it hid, as written and decoded', () => {
    expect(urlSecrets('smtp://u:p%20w@h/')).toEqual(['p%20w', 'p w']);
    expect(urlSecrets('https://registry.example/v2/')).toEqual([]);
  });

  it('redacts every URL inside a text', () => {
    expect(
      redactText("fatal: unable to access 'https://u:p@h/r.git/': url=https://u:p@h/r.git,branch=main"),
    ).toBe("fatal: unable to access 'https://***@h/r.git/': url=https://***@h/r.git,branch=main");
  });
});

describe('redactSettings: by key, at any depth', () => {
  it.each([
    ['password', true],
    ['apiToken', true],
    ['webhookSecret', true],
    ['WEBHOOK_SECRET', true],
    ['repoPass', true],
    ['controllerToken', true],
    ['legacyEmailServerPassword', true],
    ['identitytoken', true],
    ['Authorization', true],
    ['auth', true],
    ['key', true],
    ['api_key', true],
    ['credentials', true],
    ['passwordFile', false],
    ['tokenPath', false],
    ['sshKey', false],
    ['bundleKey', false],
    ['requireSignature', false],
    ['username', false],
  ])('%s is a secret: %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it('replaces secret values and the secrets of URLs; keeps the rest and the input', () => {
    const input = {
      list: [{ url: 'https://u:p@h/x', password: 'pw', n: 3, ok: true, passwordFile: '/run/pw' }],
      credentials: { user: 'me', nested: ['a1'] },
      empty: { token: '' },
    };
    expect(redactSettings(input)).toEqual({
      list: [{ url: 'https://***@h/x', password: REDACTED, n: 3, ok: true, passwordFile: '/run/pw' }],
      credentials: { user: REDACTED, nested: [REDACTED] },
      empty: { token: '' },
    });
    expect(input.list[0]?.password).toBe('pw');
  });

  it('redacts errors: their message, stack and fields', () => {
    const error = Object.assign(new Error('cannot reach https://u:SECRETPW@h/'), { token: 'SECRETTOK' });
    const out = redactSettings({ err: error }).err;
    expect(out).toBeInstanceOf(Error);
    expect(JSON.stringify({ ...out, message: out.message, stack: out.stack })).not.toMatch(/SECRET/);
  });
});

describe('Secrets', () => {
  it('replaces known values in any form, and every URL', () => {
    const secrets = new Secrets();
    secrets.add('a b/c', 'x');
    secrets.addUrl('discord://DTOKEN@1');
    expect(secrets.redact('a b/c a%20b%2Fc a+b%2Fc x DTOKEN https://u:p@h')).toBe(
      '*** *** *** x *** https://***@h',
    );
  });
});

describe('the logger', () => {
  it('writes no secret: fields at any depth, URLs in any text, the message, errors', () => {
    let out = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out += chunk.toString();
        done();
      },
    });
    const log = createLogger({ level: 'trace', pretty: false, destination });
    log.child({ source: 'https://u:SECRET1@h/r.git' }).trace(
      {
        deep: { deeper: { password: 'SECRET2', list: [{ token: 'SECRET3' }] } },
        reason: 'could not reach gotify://h/SECRET4',
        err: new Error('GET https://x.example/?access_token=SECRET5 failed'),
      },
      'sending to %s',
      'discord://SECRET6@1',
    );
    expect(out).not.toMatch(/SECRET/);
    const line = JSON.parse(out) as Record<string, unknown>;
    expect(line).toMatchObject({
      source: 'https://***@h/r.git',
      deep: { deeper: { password: '***', list: [{ token: '***' }] } },
      reason: 'could not reach gotify://h/***',
      err: { type: 'Error', message: 'GET https://x.example/?access_token=*** failed' },
      msg: 'sending to discord://***@1',
    });
  });
});
