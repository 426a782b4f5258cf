import { z } from 'zod';
import { httpSend, parseJson } from '../http.js';
import { badUrl, hostPort, httpScheme } from '../target-url.js';
import { DeliveryError } from '../types.js';
import { titled, truncate, userOf, type ChannelFactory } from './kit.js';

/**
 * Matrix: matrix://USER:PASSWORD@HOST[:PORT]/?rooms=!id:server,#alias:server, or
 * matrix://:ACCESS_TOKEN@HOST/... With a user, Tidewatch logs in (m.login.password) once and keeps
 * the token. Without rooms, the message goes to every room the account has joined; named rooms are
 * joined first (which also accepts an invitation). The transaction id is derived from the outbox
 * row, so a retry the server already took is not posted twice.
 */
const Login = z.object({ access_token: z.string() });
const Joined = z.object({ joined_rooms: z.array(z.string()) });
const Join = z.object({ room_id: z.string() });

export const createMatrixChannel: ChannelFactory = (url, query, options, label) => {
  const { user, password } = userOf(url);
  if (url.hostname === '' || password === '')
    throw badUrl(label, 'expected matrix://USER:PASSWORD@HOST/ or matrix://:TOKEN@HOST/');
  options.secrets.add(password);
  const api = `${httpScheme(query)}://${hostPort(url)}/_matrix/client/v3`;
  // A `#` has to be escaped in a URL (%23); an alias without it is taken as one too.
  const rooms = query
    .list('rooms', 'room')
    .map((room) => (room.startsWith('!') || room.startsWith('#') ? room : `#${room}`));
  let token = user === '' ? password : undefined;

  const call = async (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    signal: AbortSignal,
    json?: unknown,
  ): Promise<unknown> => {
    const answer = await httpSend({
      method,
      url: `${api}${path}`,
      ...(token !== undefined ? { headers: { authorization: `Bearer ${token}` } } : {}),
      ...(json !== undefined ? { json } : {}),
      signal,
    });
    return parseJson(answer.text);
  };

  const login = async (signal: AbortSignal): Promise<void> => {
    if (token !== undefined) return;
    const answer = Login.safeParse(
      await call('POST', '/login', signal, {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user },
        password,
        // One device for Tidewatch, not a new one at every start.
        device_id: query.get('deviceid') ?? 'tidewatch',
        initial_device_display_name: 'Tidewatch',
      }),
    );
    if (!answer.success) throw new DeliveryError(`${url.hostname}: the login answer has no access token`);
    token = answer.data.access_token;
    options.secrets.add(token);
  };

  return {
    receivesState: false,
    async send(payload, { signal, messageId }) {
      await login(signal);
      try {
        const targets: string[] = [];
        // One room after the other: a join also accepts an invitation and resolves an alias.
        for (const room of rooms) {
          targets.push(
            Join.parse(await call('POST', `/join/${encodeURIComponent(room)}`, signal, {})).room_id,
          );
        }
        if (rooms.length === 0)
          targets.push(...Joined.parse(await call('GET', '/joined_rooms', signal)).joined_rooms);
        const body = truncate(titled(payload), 30_000);
        for (const [index, room] of targets.entries()) {
          const txn = `tidewatch-${payload.time}-${messageId}-${index}`;
          await call('PUT', `/rooms/${encodeURIComponent(room)}/send/m.room.message/${txn}`, signal, {
            msgtype: 'm.text',
            body,
          });
        }
        return { status: `HTTP 200 (${targets.length} room${targets.length === 1 ? '' : 's'})` };
      } catch (error) {
        // A token that expired is fetched again at the next attempt.
        if (user !== '' && error instanceof DeliveryError && error.message.includes('HTTP 401'))
          token = undefined;
        if (error instanceof z.ZodError)
          throw new DeliveryError(`${url.hostname}: an answer Tidewatch does not understand`);
        throw error;
      }
    },
  };
};
