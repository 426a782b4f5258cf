import { httpSend, receipt } from '../http.js';
import { badUrl } from '../target-url.js';
import { base, titled, type ChannelFactory } from './kit.js';

/**
 * IFTTT Webhooks: ifttt://WEBHOOK_KEY/?events=a,b&value1=..&value2=..&value3=..&messagevalue=2&titlevalue=0.
 * As shoutrrr's pkg/services/ifttt: one POST {value1, value2, value3} per event to
 * /trigger/EVENT/with/key/KEY; the message fills value `messagevalue` (1-3, default 2). shoutrrr
 * documents `titlevalue` but its code never fills it; Tidewatch does, and without it the title is
 * the message's first line, as for every service without a title field.
 */
function slot(label: string, name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > 3)
    throw badUrl(label, `${name}=${text} must be ${min === 0 ? '0 (off) or ' : ''}1, 2 or 3`);
  return value;
}

export const createIftttChannel: ChannelFactory = (url, query, options, label) => {
  const key = decodeURIComponent(url.hostname);
  if (key === '') throw badUrl(label, 'expected ifttt://WEBHOOK_KEY/?events=EVENT');
  options.secrets.add(key);
  const events = query.list('events');
  if (events.length === 0) throw badUrl(label, 'events= names no event (events=event1,event2)');
  const messageSlot = slot(label, 'messagevalue', query.get('messagevalue') ?? '2', 1);
  const titleSlot = slot(label, 'titlevalue', query.get('titlevalue') ?? '0', 0);
  if (titleSlot === messageSlot) throw badUrl(label, 'titlevalue and messagevalue name the same value');
  const fixed = [query.get('value1') ?? '', query.get('value2') ?? '', query.get('value3') ?? ''];

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const values = [...fixed];
      if (titleSlot > 0) {
        values[titleSlot - 1] = payload.title ?? '';
        values[messageSlot - 1] = payload.body;
      } else {
        values[messageSlot - 1] = titled(payload);
      }
      const statuses: string[] = [];
      for (const event of events) {
        const answer = await httpSend({
          url: `${base(options, 'https://maker.ifttt.com')}/trigger/${encodeURIComponent(event)}/with/key/${encodeURIComponent(key)}`,
          json: { value1: values[0], value2: values[1], value3: values[2] },
          signal,
        });
        statuses.push(receipt(answer).status);
      }
      return { status: statuses.join(', ') };
    },
  };
};
