/**
 * Where the secrets of a URL are, for every URL form Tidewatch reads: notification URLs (shoutrrr's
 * forms, one rule per service: see src/notify/channels), GitOps sources, registry and webhook URLs.
 * Pure: the URL is never fetched. docs/security.md lists what is redacted where.
 */

/** What a secret is shown as, everywhere. */
export const REDACTED = '***';

/** A URL cut into its raw parts, as written (nothing decoded or normalized). */
interface Parts {
  readonly scheme: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly host: string;
  readonly path: readonly string[];
  readonly query: ReadonlyArray<readonly [string, string | undefined]> | undefined;
  readonly fragment: string;
}

/** Which parts of a URL of one service are secret, besides a password and secret-named query values. */
interface Mask {
  readonly user?: boolean;
  readonly host?: boolean;
  readonly path?: (segment: string, index: number, all: readonly string[]) => boolean;
}

/** Words of a webhook URL's path that are not secrets (Teams connectors and Workflows, Slack, Discord). */
const WEBHOOK_WORDS = new Set(
  [
    'webhook',
    'webhookb2',
    'incomingwebhook',
    'workflows',
    'triggers',
    'manual',
    'paths',
    'invoke',
    'powerautomate',
    'automations',
    'direct',
    'services',
    'api',
    'webhooks',
    'slack',
    'hooks',
  ].map((word) => word.toLowerCase()),
);
const webhookPath = (segment: string): boolean => segment !== '' && !WEBHOOK_WORDS.has(segment.toLowerCase());

/** Hosts whose https URLs carry a webhook's secret in their path. */
const WEBHOOK_HOSTS =
  /(^|\.)(hooks\.slack\.com|discord(app)?\.com|webhook\.office\.com|outlook\.office(365)?\.com|logic\.azure\.com|powerplatform\.com)$/i;

const all = (): boolean => true;

/** The rules of src/notify/channels, one per scheme (and of https URLs that Watchtower's legacy hooks are). */
function maskOf(parts: Parts): Mask {
  const segments = parts.path.filter((segment) => segment !== '');
  switch (parts.scheme) {
    case 'discord':
    case 'telegram':
      return { user: true };
    case 'slack':
      // slack://[botname@]T000/B000/XXXX: the token is host and path; else hook:TOKEN@webhook.
      return segments.length > 0 ? { host: true, path: all } : {};
    case 'teams':
      return { user: true, host: true, path: all };
    case 'teams+https':
    case 'teams+http':
      return { user: true, path: webhookPath };
    case 'pushover':
    case 'pushbullet':
    case 'ifttt':
      // pushover's user key, pushbullet's access token, IFTTT's webhook key.
      return { host: true };
    case 'opsgenie':
      return { path: (segment) => segment !== '' && segment === segments[0] };
    case 'gotify':
      return { path: (segment) => segment !== '' && segment === segments.at(-1) };
    case 'rocketchat': {
      const tokens = segments[0]?.toLowerCase() === 'hooks' ? segments.slice(1, 3) : segments.slice(0, 2);
      return { path: (segment) => tokens.includes(segment) };
    }
    case 'mattermost':
      return { path: (segment) => segment !== '' && segment === segments[0] };
    case 'http':
    case 'https':
      // A token is often the user part itself (https://TOKEN@github.com/..., x-access-token:TOKEN@).
      return { user: true, ...(webhookUrl(parts.host, segments) ? { path: webhookPath } : {}) };
    default:
      return {};
  }
}

/** A webhook's https URL (a Watchtower legacy hook, a self-hosted service's): its path is its secret. */
function webhookUrl(host: string, segments: readonly string[]): boolean {
  return (
    WEBHOOK_HOSTS.test(host.replace(/:\d+$/, '')) ||
    segments.some((segment) => /^(webhookb2|webhooks?|workflows|hooks)$/i.test(segment))
  );
}

/** Query parameters whose values are secrets, in any service (`@Name` is a header of generic://). */
function secretParam(scheme: string, name: string): boolean {
  const lower = name.toLowerCase();
  // smtp's auth= names a method (Plain, Login), not a secret.
  if (scheme === 'smtp' && lower === 'auth') return false;
  return lower.startsWith('@') || /token|key|sig|secret|pass|auth|credential|session|code/.test(lower);
}

function parse(raw: string): Parts | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/is.exec(raw.trim());
  if (!match) return undefined;
  const [, scheme = '', authority = '', path = '', query, fragment = ''] = match;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
  const colon = userinfo?.indexOf(':') ?? -1;
  return {
    scheme: scheme.toLowerCase(),
    user: userinfo === undefined ? undefined : colon >= 0 ? userinfo.slice(0, colon) : userinfo,
    password: userinfo !== undefined && colon >= 0 ? userinfo.slice(colon + 1) : undefined,
    host: authority.slice(at + 1),
    path: path.split('/'),
    query:
      query === undefined
        ? undefined
        : query.split('&').map((pair) => {
            const eq = pair.indexOf('=');
            return eq < 0 ? ([pair, undefined] as const) : ([pair.slice(0, eq), pair.slice(eq + 1)] as const);
          }),
    fragment,
  };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The URL with every secret part replaced, and the secrets found (raw and decoded). */
function apply(parts: Parts): { url: string; secrets: string[] } {
  const mask = maskOf(parts);
  const secrets: string[] = [];
  const hide = (value: string): string => {
    if (value !== '') secrets.push(value, decode(value));
    return value === '' ? value : REDACTED;
  };
  let userinfo = '';
  if (parts.user !== undefined) {
    if (mask.user === true) {
      hide(parts.user);
      if (parts.password !== undefined) hide(parts.password);
      userinfo = `${REDACTED}@`;
    } else {
      userinfo = `${parts.user}${parts.password === undefined ? '' : `:${hide(parts.password)}`}@`;
    }
  }
  const host = mask.host === true ? hide(parts.host) : parts.host;
  const segments = parts.path.filter((segment) => segment !== '');
  const path = parts.path
    .map((segment, index) => (mask.path?.(segment, index, segments) === true ? hide(segment) : segment))
    .join('/');
  const query =
    parts.query === undefined
      ? ''
      : `?${parts.query
          .map(([name, value]) =>
            value === undefined
              ? name
              : `${name}=${secretParam(parts.scheme, decode(name)) ? hide(value) : value}`,
          )
          .join('&')}`;
  return { url: `${parts.scheme}://${userinfo}${host}${path}${query}${parts.fragment}`, secrets };
}

/** A URL-like text that is not `scheme://...`: `user:password@host:path` (git's scp form). */
function redactLoose(raw: string): { url: string; secrets: string[] } {
  const match = /^([^@/\s:]+):([^@/\s]+)@/.exec(raw);
  if (!match?.[2]) return { url: raw, secrets: [] };
  return {
    url: `${match[1]}:${REDACTED}@${raw.slice(match[0].length)}`,
    secrets: [match[2], decode(match[2])],
  };
}

/**
 * A URL with its secrets replaced by `***`: passwords, tokens in the user part or the path of the
 * services that put them there (Discord, Slack, Teams, Telegram, Pushover, Pushbullet, IFTTT,
 * OpsGenie, Gotify, Rocket.Chat, Mattermost), secret-named query values (`token`, `key`, `sig`, `password`, ...) and, for http(s)
 * URLs, the whole user part (it is often a token). The rest is kept as written.
 */
export function redactUrl(url: string): string {
  const parts = parse(url);
  return parts ? apply(parts).url : redactLoose(url).url;
}

/** The secret values in a URL (as written and decoded), for finding them in other texts. */
export function urlSecrets(url: string): string[] {
  const parts = parse(url);
  return [...new Set((parts ? apply(parts) : redactLoose(url)).secrets)];
}

/** Every URL inside a text (an error message, a log line) redacted. */
export function redactUrlsIn(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>`]+/gi, (url) => redactUrl(url));
}
