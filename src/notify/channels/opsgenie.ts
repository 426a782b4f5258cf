import { httpSend, receipt } from '../http.js';
import { badUrl, hostPort, pathSegments, type Query } from '../target-url.js';
import { base, type ChannelFactory } from './kit.js';

/**
 * OpsGenie alerts: opsgenie://api.opsgenie.com[:PORT]/API_KEY (api.eu.opsgenie.com for EU) with
 * alias, description, responders, visibleTo, actions, tags, details, entity, source, priority,
 * note, user. As shoutrrr's pkg/services/opsgenie: POST https://HOST:PORT/v2/alerts with
 * `Authorization: GenieKey KEY`; lists are comma-separated, details are `k:v,k2:v2`, and an entity
 * is `TYPE:ID` (an OpsGenie id), `team:NAME` or `user:USERNAME`.
 */
interface Entity {
  type: string;
  id?: string;
  name?: string;
  username?: string;
}

const OPSGENIE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function entities(label: string, name: string, query: Query): Entity[] | undefined {
  const items = query.list(name);
  if (items.length === 0) return undefined;
  return items.map((item) => {
    const [type = '', identifier = '', ...rest] = item.split(':');
    if (type === '' || identifier === '' || rest.length > 0)
      throw badUrl(label, `${name}=${item} is not TYPE:ID, team:NAME or user:USERNAME`);
    if (OPSGENIE_ID.test(identifier)) return { type, id: identifier };
    if (type === 'team') return { type, name: identifier };
    if (type === 'user') return { type, username: identifier };
    throw badUrl(label, `${name}=${item}: a ${type} is named by its id, not by a name`);
  });
}

function details(label: string, query: Query): Record<string, string> | undefined {
  const items = query.list('details');
  if (items.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of items) {
    const [key = '', value, ...rest] = item.split(':');
    if (key === '' || value === undefined || rest.length > 0)
      throw badUrl(label, `details=${item} is not KEY:VALUE`);
    out[key] = value;
  }
  return out;
}

/** The alert's fixed fields, from the URL; omitted when not given, as shoutrrr's omitempty does. */
function fixedFields(label: string, query: Query): Record<string, unknown> {
  const priority = query.get('priority');
  if (priority !== undefined && !/^P[1-5]$/.test(priority))
    throw badUrl(label, `priority=${priority} is not one of P1, P2, P3, P4, P5`);
  const fields: Record<string, unknown> = {
    alias: query.get('alias'),
    responders: entities(label, 'responders', query),
    visibleTo: entities(label, 'visibleTo', query),
    actions: query.list('actions'),
    tags: query.list('tags'),
    details: details(label, query),
    entity: query.get('entity'),
    source: query.get('source'),
    priority,
    user: query.get('user'),
    note: query.get('note'),
  };
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  );
}

/** shoutrrr's rule: without a title, the message's first 130 characters are the alert's message. */
function messageAndDescription(
  title: string,
  body: string,
  extra: string,
): { message: string; description: string } {
  let message = title;
  let description = body;
  if (message === '') {
    if (body.length > 130) message = body.slice(0, 130);
    else {
      message = body;
      description = '';
    }
  }
  if (extra !== '' && description !== '') description += '\n';
  return { message, description: description + extra };
}

export const createOpsgenieChannel: ChannelFactory = (url, query, options, label) => {
  const [apiKey, ...more] = pathSegments(url);
  if (url.hostname === '' || apiKey === undefined || more.length > 0)
    throw badUrl(label, 'expected opsgenie://api.opsgenie.com/API_KEY (or api.eu.opsgenie.com)');
  options.secrets.add(apiKey);
  const fixed = fixedFields(label, query);
  const extraDescription = query.get('description') ?? '';
  const host = url.port === '' ? `${url.hostname}:443` : hostPort(url);

  return {
    receivesState: false,
    async send(payload, { signal }) {
      const { message, description } = messageAndDescription(
        payload.title ?? '',
        payload.body,
        extraDescription,
      );
      const answer = await httpSend({
        url: `${base(options, `https://${host}`)}/v2/alerts`,
        headers: { authorization: `GenieKey ${apiKey}` },
        json: { message, ...(description !== '' ? { description } : {}), ...fixed },
        signal,
      });
      return receipt(answer);
    },
  };
};
