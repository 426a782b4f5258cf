import { httpSend, receipt } from '../http.js';
import { badUrl, hostPort, httpScheme, pathSegments } from '../target-url.js';
import type { Level } from '../types.js';
import { truncate, type ChannelFactory } from './kit.js';

/**
 * Gotify: gotify://HOST[:PORT][/PATH]/APP_TOKEN[?priority=N&disabletls=yes]. The token goes in the
 * X-Gotify-Key header, not the query, so it stays out of proxies' access logs.
 */
function priorityFor(level: Level): number {
  if (level === 'error' || level === 'fatal' || level === 'panic') return 8;
  return level === 'warn' ? 5 : 2;
}

export const createGotifyChannel: ChannelFactory = (url, query, options, label) => {
  const path = pathSegments(url);
  const token = path.at(-1);
  if (url.hostname === '' || token === undefined)
    throw badUrl(label, 'expected gotify://HOST[:PORT][/PATH]/TOKEN');
  options.secrets.add(token);
  const prefix = path.slice(0, -1).map(encodeURIComponent).join('/');
  const endpoint = `${httpScheme(query)}://${hostPort(url)}${prefix !== '' ? `/${prefix}` : ''}/message`;
  const fixedPriority = query.get('priority');

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const priority = fixedPriority !== undefined ? Number(fixedPriority) : priorityFor(payload.level);
      const answer = await httpSend({
        url: endpoint,
        headers: { 'x-gotify-key': token },
        json: {
          title: payload.title ?? '',
          message: truncate(payload.body, 20_000),
          priority: Number.isFinite(priority) ? priority : 0,
          extras: { 'client::display': { contentType: 'text/plain' } },
        },
        signal,
        insecure: query.flag('insecureskipverify') === true,
      });
      return receipt(answer);
    },
  };
};
