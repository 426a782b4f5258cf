import { httpSend, receipt } from '../http.js';
import { badUrl, pathSegments } from '../target-url.js';
import { base, type ChannelFactory } from './kit.js';

/**
 * Pushbullet: pushbullet://ACCESS_TOKEN[/DEVICE_IDEN][/EMAIL][/#CHANNEL_TAG] (none: every device).
 * As shoutrrr's pkg/services/pushbullet: one note push per target to /v2/pushes, the token in
 * Access-Token, the body with every target field present (empty when unused).
 */
const EMAIL = /.*@.*\..*/;

function targetFields(target: string): { email: string; channel_tag: string; device_iden: string } {
  if (EMAIL.test(target)) return { email: target, channel_tag: '', device_iden: '' };
  if (target.startsWith('#')) return { email: '', channel_tag: target.slice(1), device_iden: '' };
  return { email: '', channel_tag: '', device_iden: target };
}

export const createPushbulletChannel: ChannelFactory = (url, query, options, label) => {
  const token = decodeURIComponent(url.hostname);
  // Pushbullet's access tokens are 34 characters; shoutrrr refuses any other length too.
  if (token.length !== 34)
    throw badUrl(
      label,
      `the access token has ${token.length} characters, not 34: expected pushbullet://TOKEN[/TARGET]`,
    );
  options.secrets.add(token);
  const targets = pathSegments(url);
  if (url.hash.length > 1) targets.push(decodeURIComponent(url.hash));
  if (targets.length === 0) targets.push('');

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const statuses: string[] = [];
      for (const target of targets) {
        const answer = await httpSend({
          url: `${base(options, 'https://api.pushbullet.com')}/v2/pushes`,
          headers: { 'access-token': token },
          json: {
            type: 'note',
            title: payload.title ?? query.get('title') ?? 'Tidewatch',
            body: payload.body,
            ...targetFields(target),
          },
          signal,
        });
        statuses.push(receipt(answer).status);
      }
      return { status: statuses.join(', ') };
    },
  };
};
