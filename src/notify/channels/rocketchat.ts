import { httpSend, receipt } from '../http.js';
import { badUrl, hostPort, httpScheme, pathSegments } from '../target-url.js';
import { titled, truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * Rocket.Chat incoming webhooks: rocketchat://[USERNAME@]HOST[:PORT]/TOKEN_A/TOKEN_B[/CHANNEL|/@USER]
 * (from https://HOST/hooks/TOKEN_A/TOKEN_B; a leading /hooks is accepted too).
 */
export const createRocketchatChannel: ChannelFactory = (url, query, options, label) => {
  const path = pathSegments(url);
  if (path[0] === 'hooks') path.shift();
  const [tokenA, tokenB, room] = path;
  if (url.hostname === '' || tokenA === undefined || tokenB === undefined)
    throw badUrl(label, 'expected rocketchat://[USER@]HOST/TOKEN_A/TOKEN_B[/CHANNEL]');
  options.secrets.add(tokenA, tokenB);
  const username = userOf(url).user || undefined;
  const channel =
    room === undefined ? undefined : room.startsWith('@') || room.startsWith('#') ? room : `#${room}`;
  const endpoint = `${httpScheme(query)}://${hostPort(url)}/hooks/${encodeURIComponent(tokenA)}/${encodeURIComponent(tokenB)}`;

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const answer = await httpSend({
        url: endpoint,
        json: {
          text: truncate(titled(payload), 15_000),
          ...(username !== undefined ? { username } : {}),
          ...(channel !== undefined ? { channel } : {}),
        },
        signal,
        insecure: query.flag('insecureskipverify') === true,
      });
      return receipt(answer);
    },
  };
};
