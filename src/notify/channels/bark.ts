import { httpSend, parseJson, receipt } from '../http.js';
import { badUrl, hostPort } from '../target-url.js';
import { DeliveryError } from '../types.js';
import { userOf, type ChannelFactory } from './kit.js';

/**
 * Bark (iOS push, self-hostable): bark://:DEVICE_KEY@HOST[:PORT][/PATH]?scheme=https&sound=..
 * As shoutrrr's pkg/services/bark: JSON to SCHEME://HOST/PATH/push, and an answer whose `code` is
 * not 200 is a failure even when the HTTP status is.
 */
const OPTIONAL = ['sound', 'icon', 'group', 'url', 'category', 'copy'] as const;

export const createBarkChannel: ChannelFactory = (url, query, options, label) => {
  const { password: deviceKey } = userOf(url);
  if (url.hostname === '' || deviceKey === '')
    throw badUrl(label, 'expected bark://:DEVICE_KEY@HOST[:PORT][/PATH]');
  options.secrets.add(deviceKey);
  const scheme = (query.get('scheme') ?? 'https').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') throw badUrl(label, `scheme=${scheme} is not http or https`);
  const badgeText = query.get('badge') ?? '0';
  const badge = Number(badgeText);
  if (!Number.isSafeInteger(badge)) throw badUrl(label, `badge=${badgeText} is not a whole number`);
  const path = url.pathname.replace(/\/+$/, '');
  const endpoint = `${scheme}://${hostPort(url)}${path}/push`;
  const extra: Record<string, string> = {};
  for (const name of OPTIONAL) {
    const value = query.get(name);
    if (value !== undefined) extra[name] = value;
  }

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const answer = await httpSend({
        url: endpoint,
        json: {
          body: payload.body,
          device_key: deviceKey,
          title: payload.title ?? query.get('title') ?? '',
          badge,
          ...extra,
        },
        signal,
        insecure: query.flag('insecureskipverify') === true,
      });
      const result = parseJson(answer.text) as { code?: unknown; message?: unknown } | undefined;
      if (result?.code !== 200) {
        const said = typeof result?.message === 'string' ? result.message : answer.text.slice(0, 200);
        throw new DeliveryError(`${hostPort(url)} refused the push: ${said}`);
      }
      return receipt(answer);
    },
  };
};
