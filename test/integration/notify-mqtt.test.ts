import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/index.js';
import { Secrets, buildTarget, type Payload } from '../../src/notify/index.js';
import { startMqttBroker, type MqttBroker } from '../support/receivers.js';

/** mqtt:// to a real broker (aedes): the message topic and Home Assistant's discovery and state. */
const containers: Payload['containers'] = [
  {
    container: 'web',
    image: 'nginx:latest',
    fromShort: 'aaaaaaaaaaaa',
    toShort: 'bbbbbbbbbbbb',
    installed: 'aaaaaaaaaaaa',
    latest: 'bbbbbbbbbbbb',
  },
];
const payload: Payload = {
  event: 'update-available',
  level: 'info',
  title: 'Tidewatch updates on host-1.lan',
  body: 'web (nginx:latest): an update is available, aaaaaaaaaaaa → bbbbbbbbbbbb',
  host: 'host-1.lan',
  time: Date.UTC(2025, 0, 2),
  containers,
};

describe('mqtt notifications', () => {
  let broker: MqttBroker;
  beforeAll(async () => {
    broker = await startMqttBroker({ users: { tw: 'mq77pass' } });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('publishes the message and, retained, the Home Assistant discovery config and state of each container', async () => {
    const url = `mqtt://tw:mq77pass@127.0.0.1:${broker.port}?topic=tidewatch/events&disabletls=yes&clientid=tw-test`;
    const target = buildTarget(url, 0, { logger: silentLogger(), secrets: new Secrets() });
    expect(target.label).toBe(
      `mqtt://tw:***@127.0.0.1:${broker.port}?topic=tidewatch/events&disabletls=yes&clientid=tw-test`,
    );
    expect(target.channel.receivesState).toBe(true);
    const receipt = await target.channel.send(payload, { signal: AbortSignal.timeout(10_000), messageId: 1 });
    expect(receipt.status).toBe('published 3 messages');

    const published = await broker.waitFor((seen) => seen.length >= 3);
    expect(broker.logins).toContain('tw:mq77pass');
    expect(published.map(({ topic, retain, qos, clientId }) => ({ topic, retain, qos, clientId }))).toEqual([
      { topic: 'tidewatch/events', retain: false, qos: 1, clientId: 'tw-test' },
      {
        topic: 'homeassistant/update/tidewatch_host-1_lan_web/config',
        retain: true,
        qos: 1,
        clientId: 'tw-test',
      },
      { topic: 'tidewatch/host-1_lan/web/state', retain: true, qos: 1, clientId: 'tw-test' },
    ]);
    expect(JSON.parse(published[0]?.payload ?? '')).toEqual({
      title: payload.title,
      message: payload.body,
      event: 'update-available',
      level: 'info',
      host: 'host-1.lan',
      time: '2025-01-02T00:00:00.000Z',
    });
    expect(JSON.parse(published[1]?.payload ?? '')).toEqual({
      name: 'web',
      unique_id: 'tidewatch_host-1_lan_web',
      state_topic: 'tidewatch/host-1_lan/web/state',
      device: {
        identifiers: ['tidewatch_host-1_lan'],
        name: 'Tidewatch on host-1.lan',
        manufacturer: 'Tidewatch',
        model: 'Container updates',
      },
      origin: { name: 'Tidewatch' },
    });
    expect(JSON.parse(published[2]?.payload ?? '')).toEqual({
      installed_version: 'aaaaaaaaaaaa',
      latest_version: 'bbbbbbbbbbbb',
      title: 'nginx:latest',
    });
  });

  it('a state message publishes only the containers; discovery=no only the message', async () => {
    const before = broker.published.length;
    const stateOnly = buildTarget(`mqtt://tw:mq77pass@127.0.0.1:${broker.port}?disabletls=yes`, 0, {
      logger: silentLogger(),
      secrets: new Secrets(),
    });
    await stateOnly.channel.send(
      { ...payload, event: 'state', body: '' },
      { signal: AbortSignal.timeout(10_000), messageId: 2 },
    );
    const quiet = buildTarget(`mqtt://tw:mq77pass@127.0.0.1:${broker.port}?disabletls=yes&discovery=no`, 0, {
      logger: silentLogger(),
      secrets: new Secrets(),
    });
    expect(quiet.channel.receivesState).toBe(false);
    await quiet.channel.send(payload, { signal: AbortSignal.timeout(10_000), messageId: 3 });
    const published = (await broker.waitFor((seen) => seen.length >= before + 3)).slice(before);
    expect(published.map((item) => item.topic)).toEqual([
      'homeassistant/update/tidewatch_host-1_lan_web/config',
      'tidewatch/host-1_lan/web/state',
      'tidewatch/host-1_lan/messages',
    ]);
  });

  it('a refused login is a failed delivery', async () => {
    const target = buildTarget(`mqtt://tw:wrong@127.0.0.1:${broker.port}?disabletls=yes`, 0, {
      logger: silentLogger(),
      secrets: new Secrets(),
    });
    await expect(
      target.channel.send(payload, { signal: AbortSignal.timeout(10_000), messageId: 4 }),
    ).rejects.toMatchObject({
      code: 'NOTIFY_DELIVERY_FAILED',
    });
  });
});
