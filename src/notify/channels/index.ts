import { createBarkChannel } from './bark.js';
import { createIftttChannel } from './ifttt.js';
import { createJoinChannel } from './join.js';
import { createLoggerChannel } from './logger.js';
import { createOpsgenieChannel } from './opsgenie.js';
import { createPushbulletChannel } from './pushbullet.js';
import { createZulipChannel } from './zulip.js';
import { createDiscordChannel } from './discord.js';
import { createGenericChannel } from './generic.js';
import { createGoogleChatChannel } from './googlechat.js';
import { createGotifyChannel } from './gotify.js';
import type { ChannelFactory } from './kit.js';
import { createMatrixChannel } from './matrix.js';
import { createMattermostChannel } from './mattermost.js';
import { createMqttChannel } from './mqtt.js';
import { createNtfyChannel } from './ntfy.js';
import { createPushoverChannel } from './pushover.js';
import { createRocketchatChannel } from './rocketchat.js';
import { createSlackChannel } from './slack.js';
import { createSmtpChannel } from './smtp.js';
import { createTeamsChannel } from './teams.js';
import { createTelegramChannel } from './telegram.js';

/** Every URL scheme Tidewatch sends to, each a file in this folder behind the one Channel port. */
export const CHANNELS: Readonly<Record<string, ChannelFactory>> = {
  slack: createSlackChannel,
  discord: createDiscordChannel,
  teams: createTeamsChannel,
  'teams+https': createTeamsChannel,
  'teams+http': createTeamsChannel,
  gotify: createGotifyChannel,
  ntfy: createNtfyChannel,
  telegram: createTelegramChannel,
  pushover: createPushoverChannel,
  smtp: createSmtpChannel,
  matrix: createMatrixChannel,
  mattermost: createMattermostChannel,
  googlechat: createGoogleChatChannel,
  hangouts: createGoogleChatChannel,
  rocketchat: createRocketchatChannel,
  generic: createGenericChannel,
  'generic+http': createGenericChannel,
  'generic+https': createGenericChannel,
  mqtt: createMqttChannel,
  mqtts: createMqttChannel,
  bark: createBarkChannel,
  ifttt: createIftttChannel,
  join: createJoinChannel,
  logger: createLoggerChannel,
  opsgenie: createOpsgenieChannel,
  pushbullet: createPushbulletChannel,
  zulip: createZulipChannel,
};

export type { ChannelFactory, ChannelOptions } from './kit.js';
