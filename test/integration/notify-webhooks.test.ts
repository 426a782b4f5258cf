import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import { DeliveryError, Secrets, buildTarget, type Payload } from '../../src/notify/index.js';
import { selfSignedCertificate, startHttpReceiver, type HttpReceiver } from '../support/receivers.js';
import { deliverTo } from '../support/notify-delivery.js';

/**
 * Every webhook-style service, delivered for real to a local HTTP receiver that checks the exact
 * request each service's API expects. Services with a fixed host (Slack, Discord, Telegram, ...)
 * are pointed at the receiver through the channel factory's apiBase; the others through their URL.
 */
const TIME = Date.UTC(2025, 0, 2, 3, 4, 5);
const payload: Payload = {
  event: 'updated',
  level: 'info',
  title: 'Tidewatch updates on host1',
  body: 'web (nginx:latest): updated aaaaaaaaaaaa → bbbbbbbbbbbb\n<b>not markup</b>',
  host: 'host1',
  time: TIME,
  containers: [
    {
      container: 'web',
      image: 'nginx:latest',
      fromShort: 'aaaaaaaaaaaa',
      toShort: 'bbbbbbbbbbbb',
      installed: 'bbbbbbbbbbbb',
      latest: 'bbbbbbbbbbbb',
    },
  ],
};
const TEXT = `${payload.title}\n${payload.body}`;

describe('webhook notification services', () => {
  let receiver: HttpReceiver;
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const deliver = (url: string, messageId = 1) => deliverTo(receiver, url, payload, messageId);

  it('slack: a webhook token URL posts text, attachment, bot name, channel and icon', async () => {
    receiver.respond(() => ({ body: 'ok' }));
    const token = 'T0000000A-B0000000B-abcdefghijklmnopqrstuvwx';
    const { requests, label } = await deliver(
      `slack://hook:${token}@webhook?botname=tw&channel=%23ops&icon=:whale:`,
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/services/T0000000A/B0000000B/abcdefghijklmnopqrstuvwx',
    });
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(requests[0]?.json).toEqual({
      text: payload.title,
      attachments: [{ text: payload.body, color: '#406170' }],
      username: 'tw',
      channel: '#ops',
      icon_emoji: ':whale:',
    });
    expect(label).not.toContain('abcdefghijklmnopqrstuvwx');
    expect(label).toBe('slack://hook:***@webhook?botname=tw&channel=%23ops&icon=:whale:');
  });

  it('slack: the legacy form slack://botname@A/B/C posts to the same webhook', async () => {
    const { requests } = await deliver('slack://tw@T0000000A/B0000000B/abcdefghijklmnopqrstuvwx');
    expect(requests[0]?.url).toBe('/services/T0000000A/B0000000B/abcdefghijklmnopqrstuvwx');
    expect(requests[0]?.json).toEqual({
      text: payload.title,
      attachments: [{ text: payload.body, color: '#406170' }],
      username: 'tw',
    });
  });

  it('slack: a bot token posts to chat.postMessage with a Bearer token and reads the ok flag', async () => {
    receiver.respond(() => ({ body: { ok: true } }));
    const { requests, label } = await deliver(
      'slack://xoxb:123456789012-1234567890123-abcdefghijkl@C0123456789',
    );
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/chat.postMessage' });
    expect(requests[0]?.headers.authorization).toBe('Bearer xoxb-123456789012-1234567890123-abcdefghijkl');
    expect(requests[0]?.json).toEqual({
      text: payload.title,
      attachments: [{ text: payload.body, color: '#406170' }],
      channel: 'C0123456789',
    });
    expect(label).toBe('slack://xoxb:***@C0123456789');

    receiver.respond(() => ({ body: { ok: false, error: 'channel_not_found' } }));
    const refused = deliver('slack://xoxb:123456789012-1234567890123-abcdefghijkl@C0123456789');
    await expect(refused).rejects.toBeInstanceOf(DeliveryError);
    await expect(refused).rejects.toMatchObject({ permanent: true });
    await expect(refused).rejects.toThrow('channel_not_found');
  });

  it('discord: posts an embed to /api/webhooks/ID/TOKEN', async () => {
    receiver.respond(() => ({ status: 204, body: '' }));
    const { requests, label, status } = await deliver(
      'discord://tokenABC123@112233445566?username=Tidewatch',
    );
    expect(status).toBe('HTTP 204');
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/webhooks/112233445566/tokenABC123' });
    expect(requests[0]?.json).toEqual({
      username: 'Tidewatch',
      embeds: [{ title: payload.title, description: payload.body, color: 0x406170 }],
    });
    expect(label).toBe('discord://***@112233445566?username=Tidewatch');
  });

  it('teams: a connector URL posts a MessageCard to /webhookb2/...', async () => {
    receiver.respond(() => ({ body: '1' }));
    const { requests, label } = await deliver(
      'teams://11111111-aaaa@22222222-bbbb/3333cccc/44444444-dddd/V2Eeeee?host=example.webhook.office.com&facts=yes',
    );
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/webhookb2/11111111-aaaa@22222222-bbbb/IncomingWebhook/3333cccc/44444444-dddd/V2Eeeee',
    });
    expect(requests[0]?.json).toEqual({
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: payload.title,
      themeColor: '406170',
      title: payload.title,
      text: 'web (nginx:latest): updated aaaaaaaaaaaa → bbbbbbbbbbbb<br>&lt;b&gt;not markup&lt;/b&gt;',
      sections: [
        {
          facts: [
            { name: 'Container', value: 'web' },
            { name: 'Image', value: 'nginx:latest' },
            { name: 'From', value: 'aaaaaaaaaaaa' },
            { name: 'To', value: 'bbbbbbbbbbbb' },
          ],
        },
      ],
    });
    expect(label).not.toContain('V2Eeeee');
  });

  it('teams: a Workflows URL (teams+https://...) gets an Adaptive Card at that very URL', async () => {
    receiver.respond(() => ({ status: 202, body: '' }));
    const path =
      '/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=SECRETSIG42';
    const { requests, label } = await deliver(`teams+${receiver.url}${path}`);
    expect(requests[0]).toMatchObject({ method: 'POST', url: path });
    expect(requests[0]?.json).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: payload.title, weight: 'Bolder', size: 'Medium', wrap: true },
              { type: 'TextBlock', text: payload.body, wrap: true },
            ],
          },
        },
      ],
    });
    expect(label).not.toContain('SECRETSIG42');
  });

  it('gotify: posts to /message with the token in X-Gotify-Key', async () => {
    receiver.respond(() => ({ body: { id: 1 } }));
    const { requests, label } = await deliver(
      `gotify://127.0.0.1:${receiver.port}/sub/AppToken123?disabletls=yes`,
    );
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/sub/message' });
    expect(requests[0]?.headers['x-gotify-key']).toBe('AppToken123');
    expect(requests[0]?.json).toEqual({
      title: payload.title,
      message: payload.body,
      priority: 2,
      extras: { 'client::display': { contentType: 'text/plain' } },
    });
    expect(label).toBe(`gotify://127.0.0.1:${receiver.port}/sub/***?disabletls=yes`);
  });

  it('ntfy: publishes JSON to the server root with Basic auth', async () => {
    receiver.respond(() => ({ body: { id: 'x' } }));
    const { requests, label } = await deliver(
      `ntfy://alice:s3cret@127.0.0.1:${receiver.port}/updates?scheme=http&tags=whale,tidewatch`,
    );
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/' });
    expect(requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('alice:s3cret').toString('base64')}`,
    );
    expect(requests[0]?.json).toEqual({
      topic: 'updates',
      message: payload.body,
      title: payload.title,
      priority: 3,
      tags: ['whale', 'tidewatch'],
    });
    expect(label).not.toContain('s3cret');
  });

  it('telegram: one sendMessage per chat, HTML-escaped, with thread and silence', async () => {
    receiver.respond(() => ({ body: { ok: true, result: {} } }));
    const { requests, label } = await deliver(
      'telegram://123456:ABC-token_x@telegram?chats=@ops,-1001234:7&notification=no',
    );
    expect(requests.map((request) => request.url)).toEqual([
      '/bot123456:ABC-token_x/sendMessage',
      '/bot123456:ABC-token_x/sendMessage',
    ]);
    const text = `<b>${payload.title}</b>\nweb (nginx:latest): updated aaaaaaaaaaaa → bbbbbbbbbbbb\n&lt;b&gt;not markup&lt;/b&gt;`;
    expect(requests[0]?.json).toEqual({
      chat_id: '@ops',
      text,
      parse_mode: 'HTML',
      disable_notification: true,
    });
    expect(requests[1]?.json).toEqual({
      chat_id: '-1001234',
      text,
      parse_mode: 'HTML',
      message_thread_id: 7,
      disable_notification: true,
    });
    expect(label).toBe('telegram://***@telegram?chats=@ops,-1001234:7&notification=no');
  });

  it('pushover: a form post to /1/messages.json', async () => {
    receiver.respond(() => ({ body: { status: 1 } }));
    const { requests, label } = await deliver(
      'pushover://shoutrrr:apitoken123@userkey456/?devices=phone,tablet&priority=1',
    );
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/1/messages.json' });
    expect(requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(requests[0]?.body))).toEqual({
      token: 'apitoken123',
      user: 'userkey456',
      message: payload.body,
      title: payload.title,
      device: 'phone,tablet',
      priority: '1',
    });
    expect(label).toBe('pushover://shoutrrr:***@***/?devices=phone,tablet&priority=1');
  });

  it('matrix: logs in once, joins the rooms, sends with a transaction id from the outbox row', async () => {
    receiver.respond((request) => {
      if (request.path.endsWith('/login'))
        return { body: { access_token: 'tok-1', user_id: '@bot:example.org' } };
      if (request.path.includes('/join/')) {
        const room = decodeURIComponent(request.path.split('/join/')[1] ?? '');
        return { body: { room_id: room.startsWith('#') ? '!ops:example.org' : room } };
      }
      return { body: { event_id: '$event' } };
    });
    const url = `matrix://bot:hunter22@127.0.0.1:${receiver.port}/?rooms=!room1:example.org,%23ops:example.org&disabletls=yes`;
    const { requests, label } = await deliver(url, 42);
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /_matrix/client/v3/login',
      'POST /_matrix/client/v3/join/!room1%3Aexample.org',
      'POST /_matrix/client/v3/join/%23ops%3Aexample.org',
      `PUT /_matrix/client/v3/rooms/!room1%3Aexample.org/send/m.room.message/tidewatch-${TIME}-42-0`,
      `PUT /_matrix/client/v3/rooms/!ops%3Aexample.org/send/m.room.message/tidewatch-${TIME}-42-1`,
    ]);
    expect(requests[0]?.json).toEqual({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: 'bot' },
      password: 'hunter22',
      device_id: 'tidewatch',
      initial_device_display_name: 'Tidewatch',
    });
    expect(requests[0]?.headers.authorization).toBeUndefined();
    expect(requests[3]?.headers.authorization).toBe('Bearer tok-1');
    expect(requests[3]?.json).toEqual({ msgtype: 'm.text', body: TEXT });
    expect(label).not.toContain('hunter22');
  });

  it('mattermost: posts to /hooks/TOKEN with user, channel and icon', async () => {
    receiver.respond(() => ({ body: 'ok' }));
    const { requests, label } = await deliver(
      `mattermost://tidewatch@127.0.0.1:${receiver.port}/hooktoken123/ops?disabletls=yes&icon=https://example.org/icon.png`,
    );
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/hooks/hooktoken123' });
    expect(requests[0]?.json).toEqual({
      text: `#### ${payload.title}\n${payload.body}`,
      username: 'tidewatch',
      channel: 'ops',
      icon_url: 'https://example.org/icon.png',
    });
    expect(label).not.toContain('hooktoken123');
  });

  it('googlechat: posts {text} to the space URL with its key and token', async () => {
    receiver.respond(() => ({ body: { name: 'spaces/AAA/messages/1' } }));
    const { requests, label } = await deliver(
      'googlechat://chat.googleapis.com/v1/spaces/AAA/messages?key=KEY123&token=TOK456',
    );
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/v1/spaces/AAA/messages?key=KEY123&token=TOK456',
    });
    expect(requests[0]?.json).toEqual({ text: `*${payload.title}*\n${payload.body}` });
    expect(label).toBe('googlechat://chat.googleapis.com/v1/spaces/AAA/messages?key=***&token=***');
  });

  it('rocketchat: posts to /hooks/A/B with user and channel', async () => {
    receiver.respond(() => ({ body: { success: true } }));
    const { requests, label } = await deliver(
      `rocketchat://tidewatch@127.0.0.1:${receiver.port}/tokenA123/tokenB456/ops?disabletls=yes`,
    );
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/hooks/tokenA123/tokenB456' });
    expect(requests[0]?.json).toEqual({ text: TEXT, username: 'tidewatch', channel: '#ops' });
    expect(label).toBe(`rocketchat://tidewatch@127.0.0.1:${receiver.port}/***/***/ops?disabletls=yes`);
  });

  it('generic: JSON with the event and containers; extra query passed on, @headers sent, Basic auth', async () => {
    receiver.respond(() => ({ body: 'accepted' }));
    const { requests, label } = await deliver(
      `generic+http://user:pw123@127.0.0.1:${receiver.port}/hook?team=ops&@X-Api-Key=k3y-secret&_title=x&titlekey=subject`,
    );
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/hook?team=ops&title=x' });
    expect(requests[0]?.headers['x-api-key']).toBe('k3y-secret');
    expect(requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('user:pw123').toString('base64')}`);
    expect(requests[0]?.json).toEqual({
      subject: payload.title,
      message: payload.body,
      event: 'updated',
      level: 'info',
      host: 'host1',
      time: '2025-01-02T03:04:05.000Z',
      containers: payload.containers,
    });
    expect(label).not.toContain('k3y-secret');
    expect(label).not.toContain('pw123');

    const put = await deliver(`generic://127.0.0.1:${receiver.port}/put?disabletls=yes&method=PUT`);
    expect(put.requests[0]).toMatchObject({ method: 'PUT', url: '/put' });
  });

  it('answers: 5xx is retried, 4xx is permanent, 429 carries Retry-After', async () => {
    const url = `generic+http://127.0.0.1:${receiver.port}/status`;
    receiver.respond(() => ({ status: 500, body: 'boom' }));
    await expect(deliver(url)).rejects.toThrow('HTTP 500: boom');
    await expect(deliver(url)).rejects.toMatchObject({ permanent: false });
    receiver.respond(() => ({ status: 404, body: 'no such hook' }));
    await expect(deliver(url)).rejects.toMatchObject({ permanent: true });
    receiver.respond(() => ({ status: 429, body: '', headers: { 'retry-after': '7' } }));
    await expect(deliver(url)).rejects.toMatchObject({ permanent: false, retryAfterMs: 7000 });
  });

  it('TLS is verified unless the URL says insecureskipverify=yes', async () => {
    const tls = await startHttpReceiver({ tls: selfSignedCertificate() });
    try {
      const base = `gotify://127.0.0.1:${tls.port}/AppToken123`;
      const secrets = new Secrets();
      const verified = buildTarget(base, 0, { logger: silentLogger(), secrets });
      await expect(
        verified.channel.send(payload, { signal: AbortSignal.timeout(10_000), messageId: 1 }),
      ).rejects.toThrow(/self[- ]signed/i);
      expect(tls.requests).toHaveLength(0);
      const relaxed = buildTarget(`${base}?insecureskipverify=yes`, 0, { logger: silentLogger(), secrets });
      await relaxed.channel.send(payload, { signal: AbortSignal.timeout(10_000), messageId: 1 });
      expect(tls.requests[0]).toMatchObject({ method: 'POST', url: '/message' });
    } finally {
      await tls.close();
    }
  });
});
