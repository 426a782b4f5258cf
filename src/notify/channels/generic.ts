import { httpSend, receipt } from '../http.js';
import { badUrl, hostPort } from '../target-url.js';
import { userOf, type ChannelFactory } from './kit.js';

/**
 * Any HTTP endpoint, as a JSON POST: generic+https://HOST/PATH?..., generic+http://..., or
 * generic://HOST/PATH (https unless disabletls=yes). As in shoutrrr, query parameters Tidewatch
 * does not read are passed on to the endpoint (`_name` passes `name` even when it is one of
 * Tidewatch's), and `@Name=value` becomes a request header. USER:PASSWORD@ is sent as Basic auth.
 * Query: method (POST, PUT), contenttype, titlekey, messagekey.
 */
const RESERVED = new Set([
  'template',
  'contenttype',
  'disabletls',
  'method',
  'requestmethod',
  'title',
  'titlekey',
  'messagekey',
  'insecureskipverify',
  'tidewatch_template',
]);
// Forwarded parameters whose values are secrets: redacted wherever the URL is shown.
const SECRET_NAMES = /token|key|sig|secret|pass|auth/i;

export const createGenericChannel: ChannelFactory = (url, query, options, label) => {
  if (url.hostname === '') throw badUrl(label, 'expected generic+https://HOST/PATH');
  const scheme =
    url.protocol === 'generic+http:' || (url.protocol === 'generic:' && query.flag('disabletls') === true)
      ? 'http'
      : 'https';
  const target = new URL(`${scheme}://${hostPort(url)}${url.pathname}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name.startsWith('@')) {
      headers[name.slice(1).toLowerCase()] = value;
      options.secrets.add(value);
    } else if (name.startsWith('_')) {
      target.searchParams.append(name.slice(1), value);
    } else if (!RESERVED.has(name.toLowerCase())) {
      target.searchParams.append(name, value);
      if (SECRET_NAMES.test(name)) options.secrets.add(value);
    }
  }
  const { user, password } = userOf(url);
  options.secrets.add(password);
  if (user !== '' || password !== '')
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const contentType = query.get('contenttype');
  if (contentType !== undefined) headers['content-type'] = contentType;
  const method = (query.get('method', 'requestmethod') ?? 'POST').toUpperCase() === 'PUT' ? 'PUT' : 'POST';
  const titleKey = query.get('titlekey') ?? 'title';
  const messageKey = query.get('messagekey') ?? 'message';

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const json = {
        ...(payload.title !== undefined ? { [titleKey]: payload.title } : {}),
        [messageKey]: payload.body,
        event: payload.event,
        level: payload.level,
        host: payload.host,
        time: new Date(payload.time).toISOString(),
        containers: payload.containers,
      };
      const answer = await httpSend({
        method,
        url: target.href,
        headers,
        json,
        signal,
        insecure: query.flag('insecureskipverify') === true,
      });
      return receipt(answer);
    },
  };
};
