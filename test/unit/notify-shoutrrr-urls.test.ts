import { describe, expect, it } from 'vitest';
import { TidewatchError } from '../../src/domain/errors.js';
import { redactUrl } from '../../src/domain/redact.js';
import { silentLogger } from '../../src/log/index.js';
import { Secrets, buildTarget } from '../../src/notify/index.js';

/**
 * URL parsing of the shoutrrr services added for issue 22: a URL that cannot work stops Tidewatch
 * at start with one line naming the URL (by position and scheme, never its secrets) and the
 * problem; and every secret of each URL form is redacted.
 */
const target = (url: string) => buildTarget(url, 0, { logger: silentLogger(), secrets: new Secrets() });
const TOKEN34 = 'o'.repeat(34);

describe('shoutrrr service URLs', () => {
  it.each([
    ['bark://host/', 'bark://…', 'expected bark://:DEVICE_KEY@HOST'],
    ['bark://:key@host/?scheme=ftp', 'bark://…', 'scheme=ftp is not http or https'],
    ['bark://:key@host/?badge=many', 'bark://…', 'badge=many is not a whole number'],
    ['ifttt://key/', 'ifttt://…', 'events= names no event'],
    ['ifttt://key/?events=e&messagevalue=4', 'ifttt://…', 'messagevalue=4 must be 1, 2 or 3'],
    ['ifttt://key/?events=e&titlevalue=9', 'ifttt://…', 'titlevalue=9 must be 0 (off) or 1, 2 or 3'],
    ['ifttt://key/?events=e&titlevalue=2', 'ifttt://…', 'titlevalue and messagevalue name the same value'],
    ['join://join/?devices=a', 'join://…', 'the API key is missing'],
    ['join://shoutrrr:key@join/', 'join://…', 'devices= names no device'],
    ['opsgenie://api.opsgenie.com/', 'opsgenie://…', 'expected opsgenie://api.opsgenie.com/API_KEY'],
    ['opsgenie://api.opsgenie.com/k?priority=P9', 'opsgenie://…', 'priority=P9 is not one of P1'],
    ['opsgenie://api.opsgenie.com/k?responders=team', 'opsgenie://…', 'responders=team is not TYPE:ID'],
    [
      'opsgenie://api.opsgenie.com/k?visibleTo=schedule:night',
      'opsgenie://…',
      'a schedule is named by its id',
    ],
    ['opsgenie://api.opsgenie.com/k?details=a', 'opsgenie://…', 'details=a is not KEY:VALUE'],
    ['pushbullet://short/dev', 'pushbullet://…', 'the access token has 5 characters, not 34'],
    ['zulip://z.org/?stream=s', 'zulip://…', 'the bot mail is missing'],
    ['zulip://bot%40z.org@z.org/?stream=s', 'zulip://…', 'the bot key is missing'],
    ['zulip://bot%40z.org:key@z.org/', 'zulip://…', 'stream= is missing'],
    [`zulip://bot%40z.org:key@z.org/?stream=s&topic=${'t'.repeat(61)}`, 'zulip://…', 'longer than Zulip'],
  ])('%s is refused: %s', (url, scheme, problem) => {
    let error: unknown;
    try {
      target(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TidewatchError);
    expect((error as TidewatchError).code).toBe('invalid-config');
    const message = (error as Error).message;
    expect(message).toContain(`notification URL #1 (${scheme})`);
    expect(message).toContain(problem);
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/key@|:key/);
  });

  it.each([
    ['bark://:devSECRET@bark.example.org/?sound=alarm', 'bark://:***@bark.example.org/?sound=alarm'],
    ['ifttt://whSECRET/?events=e&value1=v', 'ifttt://***/?events=e&value1=v'],
    ['join://shoutrrr:apiSECRET@join/?devices=a,b', 'join://shoutrrr:***@join/?devices=a,b'],
    ['opsgenie://api.opsgenie.com/keySECRET?tags=a', 'opsgenie://api.opsgenie.com/***?tags=a'],
    [`pushbullet://${TOKEN34}/dev/#chan`, 'pushbullet://***/dev/#chan'],
    ['zulip://bot%40z.org:keySECRET@z.org/?stream=s', 'zulip://bot%40z.org:***@z.org/?stream=s'],
  ])('%s is shown as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
    const secrets = new Secrets();
    const built = buildTarget(url, 0, { logger: silentLogger(), secrets });
    expect(built.label).toBe(shown);
    // The secret, in any text about a delivery, is redacted too.
    const secret = /SECRET|o{34}/.exec(url)?.[0] ?? '';
    expect(secrets.redact(`answer: ${url.replace(/^[a-z]+:\/\//, '')}`)).not.toContain(
      secret === '' ? 'never' : secret,
    );
  });

  it('logger:// takes no settings and is always valid', () => {
    expect(target('logger://').scheme).toBe('logger');
  });
});
