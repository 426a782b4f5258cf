/** One challenge of a WWW-Authenticate header: the scheme (lower case) and its parameters. */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** What a registry asks for, as far as the distribution token flow cares. */
export type RegistryAuth =
  | { readonly scheme: 'none' }
  | { readonly scheme: 'basic' }
  | { readonly scheme: 'bearer'; readonly realm: string; readonly service: string | undefined };

// RFC 7230 tchar.
const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

/**
 * Parses a WWW-Authenticate value per RFC 7235: several challenges may share one header (joined by
 * commas, as fetch joins repeated headers), and quoted values may contain commas and escapes.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let pos = 0;
  const skip = (chars: RegExp): void => {
    while (pos < header.length && chars.test(header.charAt(pos))) pos++;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = pos;
    const match = TOKEN.exec(header);
    if (match === null) return undefined;
    pos = TOKEN.lastIndex;
    return match[0];
  };
  const quoted = (): string => {
    let out = '';
    pos++; // opening quote
    while (pos < header.length && header.charAt(pos) !== '"') {
      if (header.charAt(pos) === '\\') pos++;
      out += header.charAt(pos);
      pos++;
    }
    pos++; // closing quote
    return out;
  };

  while (pos < header.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (scheme === undefined) {
      pos++; // not a token: skip one character rather than loop forever on garbage
      continue;
    }
    const params: Record<string, string> = {};
    for (;;) {
      skip(/[\s,]/);
      const start = pos;
      const name = token();
      if (name === undefined) break;
      skip(/\s/);
      if (header.charAt(pos) !== '=') {
        pos = start; // a bare token starts the next challenge
        break;
      }
      pos++;
      skip(/\s/);
      params[name.toLowerCase()] = header.charAt(pos) === '"' ? quoted() : (token() ?? '');
    }
    challenges.push({ scheme: scheme.toLowerCase(), params });
  }
  return challenges;
}

/**
 * Picks the challenge to answer: Bearer (the distribution token flow,
 * https://distribution.github.io/distribution/spec/auth/token/) over Basic. `undefined` when the
 * registry asks for neither.
 */
export function selectAuth(challenges: readonly AuthChallenge[]): RegistryAuth | undefined {
  const bearer = challenges.find((c) => c.scheme === 'bearer' && (c.params.realm ?? '') !== '');
  if (bearer?.params.realm !== undefined) {
    return { scheme: 'bearer', realm: bearer.params.realm, service: bearer.params.service };
  }
  if (challenges.some((c) => c.scheme === 'basic')) return { scheme: 'basic' };
  return undefined;
}
