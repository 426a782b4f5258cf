import type { IClientOptions, MqttClient } from 'mqtt';
import { describeError } from '../../domain/errors.js';
import { badUrl } from '../target-url.js';
import { DeliveryError } from '../types.js';
import { homeAssistantPublications, slug, type Publication } from './home-assistant.js';
import { userOf, type ChannelFactory } from './kit.js';

/**
 * MQTT: mqtt://[USER:PASSWORD@]HOST[:PORT]?topic=T&disabletls=yes (mqtts:// also). As in shoutrrr,
 * TLS is on unless disabletls=yes (port 8883, else 1883). Each message is published to `topic`
 * (default tidewatch/<host>/messages) as JSON, and, unless discovery=no, every container it is
 * about gets Home Assistant's discovery config and state (see home-assistant.ts). QoS 1: a
 * publication counts once the broker acknowledged it. Query: clientid, discoveryprefix.
 */
export const createMqttChannel: ChannelFactory = (url, query, options, label) => {
  if (url.hostname === '') throw badUrl(label, 'expected mqtt://[USER:PASSWORD@]HOST[:PORT]?topic=TOPIC');
  const { user, password } = userOf(url);
  options.secrets.add(password);
  const tls = url.protocol === 'mqtts:' || query.flag('disabletls') !== true;
  const port = url.port === '' ? (tls ? 8883 : 1883) : Number(url.port);
  const broker = `${tls ? 'mqtts' : 'mqtt'}://${url.hostname}:${port}`;
  const discovery = query.flag('discovery') !== false;
  const prefix = query.get('discoveryprefix') ?? 'homeassistant';
  const clientId = query.get('clientid');

  return {
    receivesState: discovery,
    async send(payload, { signal }) {
      const publications: Publication[] = [];
      if (payload.event !== 'state') {
        publications.push({
          topic: query.get('topic') ?? `tidewatch/${slug(payload.host)}/messages`,
          payload: JSON.stringify({
            title: payload.title,
            message: payload.body,
            event: payload.event,
            level: payload.level,
            host: payload.host,
            time: new Date(payload.time).toISOString(),
          }),
          retain: false,
        });
      }
      if (discovery)
        publications.push(...homeAssistantPublications(prefix, payload.host, payload.containers));
      if (publications.length === 0) return { status: 'nothing to publish' };

      const settings: IClientOptions = {
        ...(user !== '' ? { username: user } : {}),
        ...(password !== '' ? { password } : {}),
        ...(clientId !== undefined ? { clientId } : {}),
        connectTimeout: 10_000,
        // One connection per delivery: the outbox retries, the client must not.
        reconnectPeriod: 0,
        rejectUnauthorized: query.flag('insecureskipverify') !== true,
      };
      // Loaded on first use: mqtt is about 25 MB resident, and most hosts configure no broker.
      const { connect } = await import('mqtt');
      const client = await connected(connect(broker, settings), signal).catch((error: unknown) => {
        throw new DeliveryError(
          `${url.hostname}:${port}: ${signal.aborted ? 'timed out' : describeError(error)}`,
          { cause: error },
        );
      });
      const onAbort = (): void => {
        client.end(true);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        for (const publication of publications) {
          await client.publishAsync(publication.topic, publication.payload, {
            qos: 1,
            retain: publication.retain,
          });
        }
        return { status: `published ${publications.length} message${publications.length === 1 ? '' : 's'}` };
      } catch (error) {
        throw new DeliveryError(
          `${url.hostname}:${port}: ${signal.aborted ? 'timed out' : describeError(error)}`,
          { cause: error },
        );
      } finally {
        signal.removeEventListener('abort', onAbort);
        await client.endAsync().catch(() => undefined);
      }
    },
  };
};

/** The client once the broker accepted it; rejects on refusal, a closed connection or the attempt's timeout. */
function connected(client: MqttClient, signal: AbortSignal): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      signal.removeEventListener('abort', abort);
      client.off('connect', accepted);
      client.off('error', fail);
      client.off('close', closed);
    };
    const accepted = (): void => {
      settle();
      // From here a failure surfaces as the rejected publish; an 'error' event must not crash.
      client.on('error', () => undefined);
      resolve(client);
    };
    const fail = (error: Error): void => {
      settle();
      client.end(true);
      reject(error);
    };
    const abort = (): void => fail(new Error('timed out'));
    const closed = (): void => fail(new Error('the broker closed the connection'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    client.on('connect', accepted);
    client.on('error', fail);
    client.on('close', closed);
  });
}
