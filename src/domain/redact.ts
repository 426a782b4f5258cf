import { REDACTED, redactUrl, redactUrlsIn, urlSecrets } from './redact-url.js';

/**
 * The one redaction of Tidewatch: every text or object that leaves it (a log line, `config print`,
 * `notify test`, an API answer, an event, a row of the store) goes through these, so a secret is
 * shown as `***` whatever path it takes. docs/security.md lists what is redacted where.
 */
export { REDACTED, redactUrl, redactUrlsIn, urlSecrets };

/** Words of a key that say its value is a secret (the key split on case, `_`, `-` and `.`). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pass',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'authorization',
  'apikey',
  'identitytoken',
  'privatekey',
  'sig',
]);
/** `key` is a secret after these (api_key, privateKey), and alone; `bundleKey` names a public key file. */
const KEY_QUALIFIERS = new Set(['api', 'private', 'secret', 'access', 'signing', 'x']);
/** A key ending in these names where a secret is, not the secret (`passwordFile`, `tokenPath`). */
const REFERENCE_WORDS = new Set(['file', 'files', 'path', 'dir', 'env']);

function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .map((word) => word.toLowerCase())
    .filter((word) => word !== '');
}

/** Whether a settings, config or log key holds a secret: `password`, `apiToken`, `WEBHOOK_SECRET`, `auth`, ... */
export function isSecretKey(key: string): boolean {
  const words = wordsOf(key);
  const last = words.at(-1);
  if (last === undefined || REFERENCE_WORDS.has(last)) return false;
  if (words.length === 1 && (last === 'key' || last === 'auth')) return true;
  return words.some(
    (word, index) => SECRET_WORDS.has(word) || (word === 'key' && KEY_QUALIFIERS.has(words[index - 1] ?? '')),
  );
}

/** A text with every URL in it redacted. */
export function redactText(text: string): string {
  return redactUrlsIn(text);
}

function redactError(error: Error, secretAll: boolean): Error {
  const copy = new Error(secretAll ? REDACTED : redactText(error.message));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : secretAll ? REDACTED : redactText(error.stack);
  for (const [key, value] of Object.entries(error)) {
    (copy as unknown as Record<string, unknown>)[key] = redactValue(key, value, secretAll);
  }
  return copy;
}

function redactValue(key: string, value: unknown, inSecret: boolean): unknown {
  const secret = inSecret || isSecretKey(key);
  if (typeof value === 'string') return secret ? (value === '' ? value : REDACTED) : redactText(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return secret ? REDACTED : value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(key, item, secret));
  if (value instanceof Error) return redactError(value, secret);
  if (value !== null && typeof value === 'object' && isPlain(value)) {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = redactValue(name, item, secret);
    return out;
  }
  return value;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A settings, config or log object with its secrets replaced by `***`, at any depth: the string
 * values of secret keys (`isSecretKey`; all strings below such a key), and every URL in any
 * other string (`redactUrl`). Numbers and booleans are kept; the input is not changed.
 */
export function redactSettings<T>(value: T): T {
  return redactValue('', value, false) as T;
}

/**
 * The secret values Tidewatch knows at run time (those of the configured notification URLs, a
 * token a service gave at login), for texts that may show them in any form: an HTTP library's
 * error that echoes the URL, a server's answer. `redact` also redacts every URL in the text.
 */
export class Secrets {
  private readonly known = new Set<string>();

  /** Values shorter than 3 characters are not secrets worth garbling every message for. */
  add(...values: ReadonlyArray<string | null | undefined>): void {
    for (const value of values) {
      if (value === null || value === undefined || value.length < 3) continue;
      this.known.add(value);
      // The forms a URL or a query string may show it in.
      this.known.add(encodeURIComponent(value));
      this.known.add(encodeURIComponent(value).replace(/%20/g, '+'));
    }
  }

  /** Every secret of a URL (see `urlSecrets`). */
  addUrl(url: string): void {
    this.add(...urlSecrets(url));
  }

  values(): string[] {
    return [...this.known];
  }

  redact(text: string): string {
    // Longest first: a secret that contains another is replaced whole.
    const ordered = [...this.known].sort((a, b) => b.length - a.length);
    return redactText(ordered.reduce((out, secret) => out.split(secret).join(REDACTED), text));
  }
}
