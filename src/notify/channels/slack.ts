import { z } from 'zod';
import { httpSend, parseJson, receipt } from '../http.js';
import { badUrl, pathSegments } from '../target-url.js';
import { DeliveryError, type Payload } from '../types.js';
import { base, colorFor, truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * Slack, in shoutrrr's two URL forms:
 *   slack://hook:T000-B000-XXXX@webhook[?channel=..]     incoming webhook (hooks.slack.com)
 *   slack://xoxb:1234-5678-abcd@C0123CHANNEL              bot token (chat.postMessage)
 *   slack://[botname@]T000/B000/XXXX                      the legacy webhook form
 * Query: botname|username, icon (emoji or URL), color, thread_ts, channel (webhook form).
 */
const ApiAnswer = z.object({ ok: z.boolean(), error: z.string().optional() });
// Errors that mean the token or channel is wrong, not that Slack is having a bad minute.
const PERMANENT_API_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'channel_not_found',
  'not_in_channel',
  'account_inactive',
  'token_revoked',
]);

function parse(
  url: URL,
  label: string,
): { kind: 'hook' | 'api'; token: string[]; botName?: string; channel?: string; type: string } {
  const path = pathSegments(url);
  const { user, password } = userOf(url);
  if (path.length > 0) {
    // Legacy: the three webhook token parts are host and path; the user part is the bot name.
    const token = [url.hostname, ...path];
    if (token.length !== 3) throw badUrl(label, 'a legacy Slack URL is slack://[botname@]T000/B000/XXXX');
    return { kind: 'hook', token, type: 'hook', ...(user !== '' ? { botName: user } : {}) };
  }
  const type = user.toLowerCase();
  const token = password.split(/[-/,]/).filter((part) => part !== '');
  if (!['hook', 'xoxb', 'xoxp', 'xoxa', 'xoxs'].includes(type) || token.length < 2)
    throw badUrl(label, 'expected slack://hook:T000-B000-XXXX@webhook or slack://xoxb:TOKEN@CHANNEL');
  const channel = url.hostname;
  return {
    kind: type === 'hook' ? 'hook' : 'api',
    token,
    type,
    ...(channel !== '' && channel !== 'webhook' ? { channel } : {}),
  };
}

export const createSlackChannel: ChannelFactory = (url, query, options, label) => {
  const target = parse(url, label);
  options.secrets.add(...target.token.slice(1), target.token.join('-'), target.token.join('/'));
  const botName = query.get('botname', 'username') ?? target.botName;
  const icon = query.get('icon', 'icon_emoji', 'icon_url');
  const channel = query.get('channel') ?? target.channel;

  const body = (payload: Payload): Record<string, unknown> => {
    const hasTitle = payload.title !== undefined && payload.title !== '';
    return {
      text: hasTitle ? payload.title : truncate(payload.body, 3000),
      ...(hasTitle
        ? {
            attachments: [
              { text: truncate(payload.body, 3000), color: query.get('color') ?? colorFor(payload.level) },
            ],
          }
        : {}),
      ...(botName !== undefined ? { username: botName } : {}),
      ...(channel !== undefined ? { channel } : {}),
      ...(icon !== undefined ? (/^https?:\/\//.test(icon) ? { icon_url: icon } : { icon_emoji: icon }) : {}),
      ...(query.get('thread_ts') !== undefined ? { thread_ts: query.get('thread_ts') } : {}),
    };
  };

  return {
    receivesState: false,
    async send(payload, { signal }) {
      if (target.kind === 'hook') {
        const url = `${base(options, 'https://hooks.slack.com')}/services/${target.token.join('/')}`;
        return receipt(await httpSend({ url, json: body(payload), signal }));
      }
      const answer = await httpSend({
        url: `${base(options, 'https://slack.com')}/api/chat.postMessage`,
        headers: { authorization: `Bearer ${target.type}-${target.token.join('-')}` },
        json: body(payload),
        signal,
      });
      // The API says 200 even when it refused: the verdict is in the body.
      const parsed = ApiAnswer.safeParse(parseJson(answer.text));
      if (!parsed.success || !parsed.data.ok) {
        const error = parsed.success
          ? (parsed.data.error ?? 'unknown error')
          : 'an answer that is not Slack JSON';
        throw new DeliveryError(`Slack refused the message: ${error}`, {
          permanent: PERMANENT_API_ERRORS.has(error),
        });
      }
      return { status: `HTTP ${answer.status} ok` };
    },
  };
};
