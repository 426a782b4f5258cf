import type { ChannelFactory } from './kit.js';

/**
 * logger:// (shoutrrr's pkg/services/logger): the message goes to Tidewatch's own log, at info,
 * and nowhere else. It takes no settings; a Watchtower set-up that used it keeps working.
 */
export const createLoggerChannel: ChannelFactory = (_url, _query, options) => ({
  receivesState: false,
  send(payload) {
    options.logger.info(
      { notification: payload.event, title: payload.title, message: payload.body },
      'notification',
    );
    return Promise.resolve({ status: 'logged' });
  },
});
