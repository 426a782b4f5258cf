import type { Settings } from '../config/index.js';
import { TidewatchError } from '../domain/errors.js';

/**
 * Watchtower's legacy notification settings (WATCHTOWER_NOTIFICATIONS=email|slack|msteams|gotify
 * and their WATCHTOWER_NOTIFICATION_* variables), as the shoutrrr URLs Watchtower itself made of
 * them (its `notify-upgrade`). Translated once at start; from then on they are URLs like any other.
 */
export type LegacySettings = Settings['legacyNotifications'];

export interface LegacyTranslation {
  readonly urls: string[];
  /** WATCHTOWER_NOTIFICATION_EMAIL_DELAY, which Watchtower applied to every notification. */
  readonly delayMs: number | undefined;
}

function invalid(message: string): TidewatchError {
  return new TidewatchError('invalid-config', message);
}

function required(value: string | undefined, name: string, type: string): string {
  if (value === undefined || value === '')
    throw invalid(`WATCHTOWER_NOTIFICATIONS has ${type}, but WATCHTOWER_NOTIFICATION_${name} is not set`);
  return value;
}

function httpUrl(value: string, name: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // Named below, without the value: it may hold a token.
  }
  throw invalid(`WATCHTOWER_NOTIFICATION_${name} is not an http(s) URL`);
}

function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
  );
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

const enc = encodeURIComponent;

export function emailUrl(legacy: LegacySettings): string {
  const from = required(legacy.emailFrom, 'EMAIL_FROM', 'email');
  const to = required(legacy.emailTo, 'EMAIL_TO', 'email');
  const server = required(legacy.emailServer, 'EMAIL_SERVER', 'email');
  const user = legacy.emailServerUser ?? '';
  const auth = user !== '' ? `${enc(user)}:${enc(legacy.emailServerPassword ?? '')}@` : '';
  return `smtp://${auth}${server}:${legacy.emailServerPort ?? 25}/${query({
    fromAddress: from,
    fromName: 'Tidewatch',
    toAddresses: to,
    auth: user !== '' ? 'Plain' : 'None',
    insecureskipverify: legacy.emailServerTlsSkipVerify ? 'yes' : undefined,
  })}`;
}

export function slackUrl(legacy: LegacySettings): string {
  const hook = httpUrl(required(legacy.slackHookUrl, 'SLACK_HOOK_URL', 'slack'), 'SLACK_HOOK_URL');
  const parts = hook.pathname.split('/').filter((part) => part !== '');
  if (hook.hostname === 'discord.com' || hook.hostname === 'discordapp.com') {
    // Discord's Slack-compatible webhook: .../api/webhooks/ID/TOKEN/slack.
    const [id, token] = parts.slice(parts.indexOf('webhooks') + 1);
    if (id === undefined || token === undefined)
      throw invalid('WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL is not a Discord webhook URL');
    return `discord://${enc(token)}@${id}${query({ username: legacy.slackIdentifier })}`;
  }
  if (hook.hostname !== 'hooks.slack.com' || parts[0] !== 'services' || parts.length !== 4) {
    throw invalid(
      'WATCHTOWER_NOTIFICATION_SLACK_HOOK_URL is neither a Slack (hooks.slack.com/services/...) nor a Discord webhook: give its service URL in TIDEWATCH_NOTIFICATION_URL',
    );
  }
  return `slack://hook:${parts.slice(1).map(enc).join('-')}@webhook${query({
    botname: legacy.slackIdentifier,
    channel: legacy.slackChannel,
    icon: legacy.slackIconEmoji ?? legacy.slackIconUrl,
  })}`;
}

export function teamsUrl(legacy: LegacySettings): string {
  const hook = httpUrl(required(legacy.msteamsHookUrl, 'MSTEAMS_HOOK_URL', 'msteams'), 'MSTEAMS_HOOK_URL');
  const facts = legacy.msteamsUseLogData ? 'yes' : undefined;
  const parts = hook.pathname.split('/').filter((part) => part !== '');
  const connector = hook.hostname.endsWith('.webhook.office.com') || hook.hostname === 'outlook.office.com';
  if (connector && parts[0] === 'webhookb2' && parts[2] === 'IncomingWebhook' && parts.length >= 6) {
    const [group, tenant] = decodeURIComponent(parts[1] ?? '').split('@');
    return `teams://${enc(group ?? '')}@${tenant ?? ''}/${parts.slice(3, 6).join('/')}${query({ host: hook.host, facts })}`;
  }
  if (connector && parts[0] === 'webhook' && parts[2] === 'IncomingWebhook' && parts.length >= 5) {
    return `teams://${enc(decodeURIComponent(parts[1] ?? ''))}/${parts[3]}/${parts[4]}${query({ facts })}`;
  }
  // Anything else is taken as a Workflows (Power Automate) webhook, which replaced connectors.
  return `teams+${hook.href}`;
}

export function gotifyUrl(legacy: LegacySettings): string {
  const server = httpUrl(required(legacy.gotifyUrl, 'GOTIFY_URL', 'gotify'), 'GOTIFY_URL');
  const token = required(legacy.gotifyToken, 'GOTIFY_TOKEN', 'gotify');
  const path = server.pathname.replace(/\/+$/, '');
  return `gotify://${server.host}${path}/${enc(token)}${query({
    disabletls: server.protocol === 'http:' ? 'yes' : undefined,
    insecureskipverify: legacy.gotifyTlsSkipVerify ? 'yes' : undefined,
  })}`;
}

export function translateLegacy(legacy: LegacySettings): LegacyTranslation {
  const urls: string[] = [];
  let delayMs: number | undefined;
  for (const type of legacy.types.map((item) => item.toLowerCase())) {
    switch (type) {
      case 'email':
        urls.push(emailUrl(legacy));
        delayMs = legacy.emailDelayMs;
        break;
      case 'slack':
        urls.push(slackUrl(legacy));
        break;
      case 'msteams':
        urls.push(teamsUrl(legacy));
        break;
      case 'gotify':
        urls.push(gotifyUrl(legacy));
        break;
      case 'shoutrrr':
        // "Use the URLs": they are read from WATCHTOWER_NOTIFICATION_URL already.
        break;
      default:
        throw invalid(
          `WATCHTOWER_NOTIFICATIONS: unknown type "${type}" (email, slack, msteams, gotify or shoutrrr)`,
        );
    }
  }
  return { urls, delayMs };
}
