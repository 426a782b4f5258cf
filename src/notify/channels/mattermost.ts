import { httpSend, receipt } from '../http.js';
import { badUrl, hostPort, httpScheme, pathSegments } from '../target-url.js';
import { truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * Mattermost incoming webhooks: mattermost://[USERNAME@]HOST[:PORT]/TOKEN[/CHANNEL]
 * (also shoutrrr's older mattermost://HOST/TOKEN/USERNAME/CHANNEL). Query: icon (URL),
 * disabletls=yes for a server without TLS.
 */
export const createMattermostChannel: ChannelFactory = (url, query, options, label) => {
  const path = pathSegments(url);
  if (url.hostname === '' || path.length === 0 || path.length > 3)
    throw badUrl(label, 'expected mattermost://[USER@]HOST/TOKEN[/CHANNEL]');
  const [token = '', second, third] = path;
  const username = userOf(url).user || (path.length === 3 ? second : undefined) || undefined;
  const channel = (path.length === 3 ? third : second) || undefined;
  options.secrets.add(token);
  const endpoint = `${httpScheme(query)}://${hostPort(url)}/hooks/${encodeURIComponent(token)}`;
  const icon = query.get('icon', 'icon_url');

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const title = payload.title !== undefined && payload.title !== '' ? `#### ${payload.title}\n` : '';
      const answer = await httpSend({
        url: endpoint,
        json: {
          text: title + truncate(payload.body, 15_000),
          ...(username !== undefined ? { username } : {}),
          ...(channel !== undefined ? { channel } : {}),
          ...(icon !== undefined ? { icon_url: icon } : {}),
        },
        signal,
        insecure: query.flag('insecureskipverify') === true,
      });
      return receipt(answer);
    },
  };
};
