import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/log/index.js';
import { DeliveryError, Secrets, buildTarget, type Payload } from '../../src/notify/index.js';
import { selfSignedCertificate, startHttpReceiver, type HttpReceiver } from '../support/receivers.js';
import { deliverTo } from '../support/notify-delivery.js';

/**
 * The shoutrrr services added for issue 22 (bark, ifttt, join, logger, opsgenie, pushbullet,
 * zulip), each delivered for real to a local HTTP receiver that checks the request shoutrrr's own
 * code (containrrr/shoutrrr pkg/services/NAME, v0.8.0 and later) sends. Fixed-host services are
 * pointed at the receiver through apiBase; Bark through its URL (scheme=http).
 */
const payload: Payload = {
  event: 'updated',
  level: 'info',
  title: 'Tidewatch updates on host1',
  body: 'web (nginx:latest): updated aaaaaaaaaaaa → bbbbbbbbbbbb',
  host: 'host1',
  time: Date.UTC(2025, 0, 2, 3, 4, 5),
  containers: [],
};
const PUSHBULLET_TOKEN = 'o.abcdefghijklmnopqrstuvwxyz0123456'.slice(0, 34);

describe('shoutrrr services added for a drop-in', () => {
  let receiver: HttpReceiver;
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const deliver = (url: string, sent: Payload = payload) => deliverTo(receiver, url, sent);

  it('bark: JSON to SCHEME://HOST/PATH/push with the device key, and its answer code is read', async () => {
    receiver.respond(() => ({ body: { code: 200, message: 'success', timestamp: 1 } }));
    const { requests, label } = await deliver(
      `bark://:devKEY123@127.0.0.1:${receiver.port}/bark/?scheme=http&sound=alarm&badge=3&group=ops&url=https://example.org&copy=c&icon=https://example.org/i.png&category=x`,
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/bark/push' });
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(requests[0]?.json).toEqual({
      body: payload.body,
      device_key: 'devKEY123',
      title: payload.title,
      badge: 3,
      sound: 'alarm',
      icon: 'https://example.org/i.png',
      group: 'ops',
      url: 'https://example.org',
      category: 'x',
      copy: 'c',
    });
    expect(label).not.toContain('devKEY123');

    receiver.respond(() => ({ body: { code: 400, message: 'failed to get device token' } }));
    const refused = deliver(`bark://:devKEY123@127.0.0.1:${receiver.port}/?scheme=http`);
    await expect(refused).rejects.toBeInstanceOf(DeliveryError);
    await expect(refused).rejects.toThrow('failed to get device token');
    receiver.respond(() => ({ body: { code: 200 } }));
    const plain = await deliver(`bark://:devKEY123@127.0.0.1:${receiver.port}?scheme=http`);
    expect(plain.requests[0]?.url).toBe('/push');
    expect(plain.requests[0]?.json).toEqual({
      body: payload.body,
      device_key: 'devKEY123',
      title: payload.title,
      badge: 0,
    });
  });

  it('bark: HTTPS by default, its certificate verified unless the URL says insecureskipverify=yes', async () => {
    const tls = await startHttpReceiver({ tls: selfSignedCertificate() });
    try {
      tls.respond(() => ({ body: { code: 200, message: 'success' } }));
      const url = `bark://:devKEY123@127.0.0.1:${tls.port}/`;
      const secrets = new Secrets();
      const verified = buildTarget(url, 0, { logger: silentLogger(), secrets });
      await expect(
        verified.channel.send(payload, { signal: AbortSignal.timeout(10_000), messageId: 1 }),
      ).rejects.toThrow(/self[- ]signed/i);
      expect(tls.requests).toHaveLength(0);
      const relaxed = buildTarget(`${url}?insecureskipverify=yes`, 0, { logger: silentLogger(), secrets });
      await relaxed.channel.send(payload, { signal: AbortSignal.timeout(10_000), messageId: 1 });
      expect(tls.requests[0]).toMatchObject({ method: 'POST', url: '/push' });
    } finally {
      await tls.close();
    }
  });

  it('ifttt: one POST {value1..3} per event to /trigger/EVENT/with/key/KEY', async () => {
    receiver.respond(() => ({ body: 'Congratulations!' }));
    const { requests, label, status } = await deliver(
      'ifttt://whKEY456/?events=deploy,audit&value1=tidewatch&value3=fixed',
    );
    expect(requests.map((request) => [request.method, request.url])).toEqual([
      ['POST', '/trigger/deploy/with/key/whKEY456'],
      ['POST', '/trigger/audit/with/key/whKEY456'],
    ]);
    expect(status).toBe('HTTP 200, HTTP 200');
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    // No titlevalue: the title is the message's first line, in value2 (messagevalue's default).
    expect(requests[1]?.json).toEqual({
      value1: 'tidewatch',
      value2: `${payload.title}\n${payload.body}`,
      value3: 'fixed',
    });
    expect(label).toBe('ifttt://***/?events=deploy,audit&value1=tidewatch&value3=fixed');

    const split = await deliver('ifttt://whKEY456/?events=e&messagevalue=3&titlevalue=1');
    expect(split.requests[0]?.json).toEqual({ value1: payload.title, value2: '', value3: payload.body });
  });

  it('join: POST sendPush with everything in the query string, text/plain and no body', async () => {
    receiver.respond(() => ({ body: { success: true } }));
    const { requests, label } = await deliver(
      'join://shoutrrr:joinKEY789@join/?devices=dev1,dev2&icon=https://example.org/i.png',
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/_ah/api/messaging/v1/sendPush', body: '' });
    expect(requests[0]?.headers['content-type']).toBe('text/plain');
    expect(requests[0]?.query).toEqual({
      apikey: 'joinKEY789',
      deviceIds: 'dev1,dev2',
      icon: 'https://example.org/i.png',
      text: payload.body,
      title: payload.title,
    });
    // Go's url.Values.Encode: keys sorted.
    expect(Object.keys(requests[0]?.query ?? {})).toEqual(['apikey', 'deviceIds', 'icon', 'text', 'title']);
    expect(label).toBe('join://shoutrrr:***@join/?devices=dev1,dev2&icon=https://example.org/i.png');
  });

  it('opsgenie: POST /v2/alerts with the GenieKey and every alert field from the URL', async () => {
    receiver.respond(() => ({ status: 202, body: { result: 'Request will be processed' } }));
    const id = '4513b7ea-3b91-438f-b7e4-e3e54af9147c';
    const { requests, label, status } = await deliver(
      `opsgenie://api.eu.opsgenie.com/genieKEY321?alias=tw&description=more&responders=team:${id},team:NOC,user:bob&visibleTo=team:ops&actions=a1,a2&tags=t1,t2&details=k1:v1,k2:v2&entity=web&source=tidewatch&priority=P2&user=Dracula&note=n`,
    );
    expect(status).toBe('HTTP 202');
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/v2/alerts' });
    expect(requests[0]?.headers.authorization).toBe('GenieKey genieKEY321');
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(requests[0]?.json).toEqual({
      message: payload.title,
      description: `${payload.body}\nmore`,
      alias: 'tw',
      responders: [
        { type: 'team', id },
        { type: 'team', name: 'NOC' },
        { type: 'user', username: 'bob' },
      ],
      visibleTo: [{ type: 'team', name: 'ops' }],
      actions: ['a1', 'a2'],
      tags: ['t1', 't2'],
      details: { k1: 'v1', k2: 'v2' },
      entity: 'web',
      source: 'tidewatch',
      priority: 'P2',
      user: 'Dracula',
      note: 'n',
    });
    expect(label).not.toContain('genieKEY321');
    expect(label).toContain('opsgenie://api.eu.opsgenie.com/***?alias=tw');

    // Without a title, a short message is the alert's message and there is no description.
    const short = await deliver('opsgenie://api.opsgenie.com/genieKEY321', { ...payload, title: undefined });
    expect(short.requests[0]?.json).toEqual({ message: payload.body });
    const long = 'x'.repeat(200);
    const cut = await deliver('opsgenie://api.opsgenie.com/genieKEY321', {
      ...payload,
      title: '',
      body: long,
    });
    expect(cut.requests[0]?.json).toEqual({ message: 'x'.repeat(130), description: long });
  });

  it('pushbullet: one note push per target with the Access-Token header', async () => {
    receiver.respond(() => ({ body: { active: true, type: 'note' } }));
    const { requests, label, status } = await deliver(
      `pushbullet://${PUSHBULLET_TOKEN}/phoneIden/ops@example.org/#alerts`,
    );
    expect(status).toBe('HTTP 200, HTTP 200, HTTP 200');
    expect(requests.every((request) => request.method === 'POST' && request.url === '/v2/pushes')).toBe(true);
    expect(requests[0]?.headers['access-token']).toBe(PUSHBULLET_TOKEN);
    expect(requests.map((request) => request.json)).toEqual([
      {
        type: 'note',
        title: payload.title,
        body: payload.body,
        email: '',
        channel_tag: '',
        device_iden: 'phoneIden',
      },
      {
        type: 'note',
        title: payload.title,
        body: payload.body,
        email: 'ops@example.org',
        channel_tag: '',
        device_iden: '',
      },
      {
        type: 'note',
        title: payload.title,
        body: payload.body,
        email: '',
        channel_tag: 'alerts',
        device_iden: '',
      },
    ]);
    expect(label).toBe('pushbullet://***/phoneIden/ops@example.org/#alerts');

    // No target: one push to every device of the account.
    const all = await deliver(`pushbullet://${PUSHBULLET_TOKEN}`);
    expect(all.requests.map((request) => request.json)).toEqual([
      { type: 'note', title: payload.title, body: payload.body, email: '', channel_tag: '', device_iden: '' },
    ]);
    // A trailing slash adds no push to every device.
    const slash = await deliver(`pushbullet://${PUSHBULLET_TOKEN}/phoneIden/`);
    expect(slash.requests.map((request) => request.json)).toEqual([
      {
        type: 'note',
        title: payload.title,
        body: payload.body,
        email: '',
        channel_tag: '',
        device_iden: 'phoneIden',
      },
    ]);
  });

  it('zulip: a form-encoded stream message to /api/v1/messages with Basic auth', async () => {
    receiver.respond(() => ({ body: { result: 'success', id: 42 } }));
    const { requests, label } = await deliver(
      'zulip://tw-bot%40example.zulipchat.com:zulipKEY654@example.zulipchat.com/?stream=ops&topic=updates',
    );
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/api/v1/messages' });
    expect(requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('tw-bot@example.zulipchat.com:zulipKEY654').toString('base64')}`,
    );
    expect(requests[0]?.body).toBe(
      new URLSearchParams({ content: payload.body, to: 'ops', topic: 'updates', type: 'stream' }).toString(),
    );
    expect(label).not.toContain('zulipKEY654');

    // Without topic=, the title (cut to Zulip's 60 characters) is the topic.
    const titled = await deliver('zulip://bot%40z.org:zulipKEY654@z.org/?stream=ops', {
      ...payload,
      title: 'T'.repeat(80),
    });
    expect(Object.fromEntries(new URLSearchParams(titled.requests[0]?.body))).toEqual({
      content: payload.body,
      to: 'ops',
      topic: 'T'.repeat(60),
      type: 'stream',
    });
  });

  it('a refusing service is a DeliveryError whose text holds none of the URL secrets', async () => {
    receiver.respond((request) => ({
      status: 401,
      body: `bad key in ${request.url} ${request.headers.authorization ?? ''}`,
    }));
    const secrets = new Secrets();
    const target = buildTarget('opsgenie://api.opsgenie.com/genieKEY321', 0, {
      logger: silentLogger(),
      secrets,
      apiBase: receiver.url,
    });
    const error = await target.channel
      .send(payload, { signal: AbortSignal.timeout(10_000), messageId: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).permanent).toBe(true);
    expect(secrets.redact((error as Error).message)).not.toContain('genieKEY321');
  });

  it('logger: the message goes to Tidewatch’s own log, and nothing is sent', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', pretty: false, destination });
    const target = buildTarget('logger://', 0, { logger, secrets: new Secrets(), apiBase: receiver.url });
    const before = receiver.requests.length;
    const receipt = await target.channel.send(payload, { signal: AbortSignal.timeout(10_000), messageId: 1 });
    expect(receipt.status).toBe('logged');
    expect(receiver.requests.length).toBe(before);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({
        msg: 'notification',
        notification: 'updated',
        title: payload.title,
        message: payload.body,
      }),
    );
  });
});
