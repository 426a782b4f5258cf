import { httpSend, receipt } from '../http.js';
import { badUrl, hostPort } from '../target-url.js';
import { base, truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * Zulip: zulip://BOT_MAIL:BOT_KEY@HOST[:PORT]/?stream=STREAM[&topic=TOPIC] (the bot's mail with its
 * `@` written %40). As shoutrrr's pkg/services/zulip: a stream message, form-encoded, to
 * https://HOST/api/v1/messages with the bot's mail and key as Basic auth. Where shoutrrr refuses a
 * message over 10000 bytes or a topic over 60 characters, Tidewatch cuts them; without topic= the
 * title is the topic (shoutrrr sends none, which Zulip shows as "(no topic)").
 */
const MAX_CONTENT = 9_000; // characters, so a message of multi-byte text stays under 10000 bytes mostly
const MAX_TOPIC = 60;

export const createZulipChannel: ChannelFactory = (url, query, options, label) => {
  const { user: botMail, password: botKey } = userOf(url);
  if (botMail === '')
    throw badUrl(label, 'the bot mail is missing: expected zulip://BOT%40MAIL:BOT_KEY@HOST/?stream=..');
  if (botKey === '')
    throw badUrl(label, 'the bot key is missing: expected zulip://BOT%40MAIL:BOT_KEY@HOST/?stream=..');
  if (url.hostname === '')
    throw badUrl(label, 'the host is missing: expected zulip://BOT%40MAIL:BOT_KEY@HOST/?stream=..');
  options.secrets.add(botKey);
  const stream = query.get('stream');
  if (stream === undefined) throw badUrl(label, 'stream= is missing (the stream to post to)');
  const fixedTopic = query.get('topic');
  if (fixedTopic !== undefined && [...fixedTopic].length > MAX_TOPIC)
    throw badUrl(label, `topic= is longer than Zulip's ${MAX_TOPIC} characters`);
  const auth = `Basic ${Buffer.from(`${botMail}:${botKey}`).toString('base64')}`;

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const topic = fixedTopic ?? [...(payload.title ?? '')].slice(0, MAX_TOPIC).join('');
      // Go's url.Values encodes its keys sorted: content, to, topic, type.
      const form: Record<string, string> = { content: truncate(payload.body, MAX_CONTENT), to: stream };
      if (topic !== '') form.topic = topic;
      form.type = 'stream';
      const answer = await httpSend({
        url: `${base(options, `https://${hostPort(url)}`)}/api/v1/messages`,
        headers: { authorization: auth },
        form,
        signal,
      });
      return receipt(answer);
    },
  };
};
