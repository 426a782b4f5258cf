import { httpSend, receipt } from '../http.js';
import { badUrl, hostPort, pathSegments } from '../target-url.js';
import type { Level } from '../types.js';
import { truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * ntfy: ntfy://[USER:PASSWORD@]HOST[:PORT][/PATH]/TOPIC, or ntfy://:TOKEN@HOST/TOPIC for an access
 * token. Query: scheme=http (or disabletls=yes), priority (1-5 or min..max), tags, click, icon.
 * Published as JSON to the server's root, which keeps any text out of HTTP headers.
 */
const PRIORITIES: Readonly<Record<string, number>> = {
  min: 1,
  low: 2,
  default: 3,
  high: 4,
  max: 5,
  urgent: 5,
};

function priorityFor(level: Level): number {
  return level === 'error' || level === 'fatal' || level === 'panic' ? 4 : 3;
}

export const createNtfyChannel: ChannelFactory = (url, query, options, label) => {
  const path = pathSegments(url);
  const topic = path.at(-1);
  if (topic === undefined) throw badUrl(label, 'expected ntfy://[USER:PASSWORD@]HOST/TOPIC');
  const { user, password } = userOf(url);
  options.secrets.add(password);
  const scheme = query.get('scheme') === 'http' || query.flag('disabletls') === true ? 'http' : 'https';
  const host = url.hostname === '' ? 'ntfy.sh' : hostPort(url);
  const prefix = path.slice(0, -1).map(encodeURIComponent).join('/');
  const endpoint = `${scheme}://${host}/${prefix !== '' ? `${prefix}/` : ''}`;
  const auth =
    user !== ''
      ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
      : password !== ''
        ? `Bearer ${password}`
        : undefined;
  const fixed = query.get('priority');
  const tags = query.list('tags');

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const priority =
        fixed !== undefined ? (PRIORITIES[fixed] ?? Number(fixed)) : priorityFor(payload.level);
      const answer = await httpSend({
        url: endpoint,
        ...(auth !== undefined ? { headers: { authorization: auth } } : {}),
        json: {
          topic,
          message: truncate(payload.body, 4000),
          ...(payload.title !== undefined && payload.title !== '' ? { title: payload.title } : {}),
          priority: Number.isInteger(priority) ? priority : 3,
          ...(tags.length > 0 ? { tags } : {}),
          ...(query.get('click') !== undefined ? { click: query.get('click') } : {}),
          ...(query.get('icon') !== undefined ? { icon: query.get('icon') } : {}),
        },
        signal,
        insecure: query.flag('insecureskipverify') === true,
      });
      return receipt(answer);
    },
  };
};
