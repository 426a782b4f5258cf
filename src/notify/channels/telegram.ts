import { z } from 'zod';
import { httpSend, parseJson } from '../http.js';
import { badUrl } from '../target-url.js';
import { DeliveryError } from '../types.js';
import { base, escapeHtml, truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * Telegram bots: telegram://BOT_TOKEN@telegram?chats=@channel,CHAT_ID[:THREAD_ID],...
 * Query: notification=no (silent), preview=no, title. The message is sent as HTML, escaped, with
 * the title in bold. One outbox row covers all chats: a retry after a partial failure sends to
 * every chat again (see docs/notifications.md).
 */
const Answer = z.object({ ok: z.boolean(), description: z.string().optional() });

export const createTelegramChannel: ChannelFactory = (url, query, options, label) => {
  const { user, password } = userOf(url);
  const token = password !== '' ? `${user}:${password}` : user;
  const chats = query.list('chats', 'channels');
  if (token === '' || chats.length === 0)
    throw badUrl(label, 'expected telegram://BOT_TOKEN@telegram?chats=CHAT_ID,...');
  options.secrets.add(token, password);
  const silent = query.flag('notification') === false;
  const noPreview = query.flag('preview') === false;

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const title =
        payload.title !== undefined && payload.title !== '' ? `<b>${escapeHtml(payload.title)}</b>\n` : '';
      const text = title + escapeHtml(truncate(payload.body, 4000 - title.length));
      for (const chat of chats) {
        const [chatId, thread] = chat.split(':');
        const answer = await httpSend({
          url: `${base(options, 'https://api.telegram.org')}/bot${token}/sendMessage`,
          json: {
            chat_id: chatId,
            text,
            parse_mode: 'HTML',
            ...(thread !== undefined ? { message_thread_id: Number(thread) } : {}),
            ...(silent ? { disable_notification: true } : {}),
            ...(noPreview ? { disable_web_page_preview: true } : {}),
          },
          signal,
        });
        const parsed = Answer.safeParse(parseJson(answer.text));
        if (parsed.success && !parsed.data.ok)
          throw new DeliveryError(
            `Telegram refused the message for ${chatId}: ${parsed.data.description ?? 'not ok'}`,
          );
      }
      return { status: `HTTP 200 ok (${chats.length} chat${chats.length === 1 ? '' : 's'})` };
    },
  };
};
