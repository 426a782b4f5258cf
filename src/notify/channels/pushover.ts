import { httpSend, receipt } from '../http.js';
import { badUrl } from '../target-url.js';
import { base, truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * Pushover: pushover://shoutrrr:API_TOKEN@USER_KEY/?devices=phone,tablet&priority=-1..1.
 * Pushover limits a message to 1024 characters and a title to 250.
 */
export const createPushoverChannel: ChannelFactory = (url, query, options, label) => {
  const { password: token } = userOf(url);
  const userKey = url.hostname;
  if (token === '' || userKey === '') throw badUrl(label, 'expected pushover://shoutrrr:API_TOKEN@USER_KEY/');
  options.secrets.add(token, userKey);
  const devices = query.list('devices');
  const priority = query.get('priority');

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const answer = await httpSend({
        url: `${base(options, 'https://api.pushover.net')}/1/messages.json`,
        form: {
          token,
          user: userKey,
          message: truncate(payload.body, 1024),
          ...(payload.title !== undefined && payload.title !== ''
            ? { title: truncate(payload.title, 250) }
            : {}),
          ...(devices.length > 0 ? { device: devices.join(',') } : {}),
          ...(priority !== undefined ? { priority } : {}),
        },
        signal,
      });
      return receipt(answer);
    },
  };
};
