import { httpSend, receipt } from '../http.js';
import { badUrl, hostPort } from '../target-url.js';
import { truncate, type ChannelFactory } from './kit.js';

/**
 * Google Chat webhooks: the webhook URL with `https` replaced by `googlechat` (or `hangouts`):
 * googlechat://chat.googleapis.com/v1/spaces/SPACE/messages?key=KEY&token=TOKEN
 */
export const createGoogleChatChannel: ChannelFactory = (url, _query, options, label) => {
  if (url.hostname === '' || url.pathname.length <= 1)
    throw badUrl(label, 'expected googlechat://chat.googleapis.com/v1/spaces/...');
  const target = new URL(
    `${(options.apiBase ?? `https://${hostPort(url)}`).replace(/\/+$/, '')}${url.pathname}`,
  );
  for (const [name, value] of url.searchParams) {
    if (name.toLowerCase() === 'tidewatch_template') continue;
    target.searchParams.append(name, value);
    if (name === 'key' || name === 'token') options.secrets.add(value);
  }

  return {
    receivesState: false,
    async send(payload, { signal }) {
      // Chat's own markup: *bold*.
      const title = payload.title !== undefined && payload.title !== '' ? `*${payload.title}*\n` : '';
      const answer = await httpSend({
        url: target.href,
        json: { text: title + truncate(payload.body, 4000) },
        signal,
      });
      return receipt(answer);
    },
  };
};
