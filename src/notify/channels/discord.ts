import { httpSend, receipt } from '../http.js';
import { badUrl } from '../target-url.js';
import { base, colorFor, truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * Discord webhooks: discord://TOKEN@WEBHOOK_ID (from https://discord.com/api/webhooks/ID/TOKEN).
 * Query: username, avatar (URL), color (hex or decimal), thread_id.
 */
function colorNumber(value: string): number | undefined {
  const text = value.replace(/^#|^0x/i, '');
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.parseInt(text, 16);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export const createDiscordChannel: ChannelFactory = (url, query, options, label) => {
  const { user: token } = userOf(url);
  const id = url.hostname;
  if (token === '' || id === '') throw badUrl(label, 'expected discord://TOKEN@WEBHOOK_ID');
  options.secrets.add(token);
  const username = query.get('username');
  const avatar = query.get('avatar', 'avatarurl');
  const thread = query.get('thread_id', 'threadid');

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const color = colorNumber(query.get('color') ?? colorFor(payload.level));
      const embed = {
        ...(payload.title !== undefined && payload.title !== ''
          ? { title: truncate(payload.title, 256) }
          : {}),
        description: truncate(payload.body, 4096),
        ...(color !== undefined ? { color } : {}),
      };
      const target = `${base(options, 'https://discord.com')}/api/webhooks/${id}/${token}${thread !== undefined ? `?thread_id=${encodeURIComponent(thread)}` : ''}`;
      const answer = await httpSend({
        url: target,
        json: {
          ...(username !== undefined ? { username } : {}),
          ...(avatar !== undefined ? { avatar_url: avatar } : {}),
          embeds: [embed],
        },
        signal,
      });
      return receipt(answer);
    },
  };
};
