import { httpSend, receipt } from '../http.js';
import { badUrl } from '../target-url.js';
import { base, userOf, type ChannelFactory } from './kit.js';

/**
 * Join (joaoapps): join://shoutrrr:API_KEY@join/?devices=ID1,ID2[&title=..][&icon=URL].
 * As shoutrrr's pkg/services/join: one POST to sendPush with everything in the query string (the
 * API takes no body), text/plain, keys in Go's sorted order.
 */
export const createJoinChannel: ChannelFactory = (url, query, options, label) => {
  const { password: apiKey } = userOf(url);
  if (apiKey === '')
    throw badUrl(label, 'the API key is missing: expected join://shoutrrr:API_KEY@join/?devices=..');
  options.secrets.add(apiKey);
  const devices = query.list('devices');
  if (devices.length === 0) throw badUrl(label, 'devices= names no device (devices=ID1,ID2)');
  const icon = query.get('icon');

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const title = payload.title ?? query.get('title') ?? '';
      const params = new URLSearchParams({ apikey: apiKey, deviceIds: devices.join(',') });
      if (icon !== undefined) params.set('icon', icon);
      params.set('text', payload.body);
      if (title !== '') params.set('title', title);
      const answer = await httpSend({
        url: `${base(options, 'https://joinjoaomgcd.appspot.com')}/_ah/api/messaging/v1/sendPush?${params.toString()}`,
        headers: { 'content-type': 'text/plain' },
        signal,
      });
      return receipt(answer);
    },
  };
};
