import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import {
  OPTIONS,
  WATCHTOWER_HANDLED,
  logLevelOf,
  optionForWatchtower,
  parseWatchtowerArguments,
  renderWatchtowerTable,
  unreadWatchtowerVariables,
  withWatchtowerTable,
} from '../../src/config/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Watchtower's own docs/arguments.md (containrrr/watchtower), copied as it is.
const page = readFileSync(`${root}/test/fixtures/watchtower/arguments.md`, 'utf8');
const watchtower = parseWatchtowerArguments(page);
const names = watchtower.flatMap((argument) => [...argument.flags, ...argument.env]);

describe("Watchtower's arguments page", () => {
  it('is read whole: every flag, short flag and variable of every section', () => {
    // Counted in the page by hand: 35 sections with a code block of names.
    expect(watchtower).toHaveLength(35);
    expect(watchtower.find((argument) => argument.title === 'Debug')).toEqual({
      title: 'Debug',
      flags: ['--debug', '-d'],
      env: ['WATCHTOWER_DEBUG'],
    });
    expect(watchtower.find((argument) => argument.title === 'Health check')?.env).toEqual([]);
    expect(names.filter((name) => /^-[a-zA-Z]$/.test(name)).sort()).toEqual(
      ['-H', '-P', '-R', '-S', '-a', '-d', '-i', '-l', '-s', '-x'].sort(),
    );
  });

  it.each(names)('%s is an option of the spec or listed in watchtower-compat.ts', (name) => {
    const option = optionForWatchtower(name);
    const handled = WATCHTOWER_HANDLED[name];
    expect(option !== undefined || handled !== undefined, `${name}: neither supported nor listed`).toBe(true);
    // Listed only when the spec does not have it: a stale entry would hide the real option.
    expect(option !== undefined && handled !== undefined, `${name}: both an option and listed`).toBe(false);
  });

  it('has its short flags declared on the options, with the meaning Watchtower gives them', () => {
    const shortOf = (key: string): string | undefined =>
      OPTIONS.find((option) => option.key === key)?.shortFlag;
    expect(shortOf('interval')).toBe('i');
    expect(shortOf('schedule')).toBe('s');
    expect(shortOf('runOnce')).toBe('R');
    expect(shortOf('debug')).toBe('d');
    expect(shortOf('includeStopped')).toBe('S');
    expect(shortOf('disableContainers')).toBe('x');
    expect(shortOf('host')).toBe('H');
    const shorts = OPTIONS.flatMap((option) => (option.shortFlag === undefined ? [] : [option.shortFlag]));
    expect(new Set(shorts).size).toBe(shorts.length);
  });

  it('gives the migration guide its table (run `npm run docs` when this fails)', async () => {
    const file = `${root}/docs/migrating-from-watchtower.md`;
    const guide = readFileSync(file, 'utf8');
    const options = (await prettier.resolveConfig(file)) ?? {};
    const expected = await prettier.format(withWatchtowerTable(guide, renderWatchtowerTable(watchtower)), {
      ...options,
      parser: 'markdown',
    });
    expect(guide, 'docs/migrating-from-watchtower.md is stale: run `npm run docs`').toBe(expected);
    expect(guide).not.toContain('MISSING');
  });

  it('a table is stale when an argument is added to the page', () => {
    const more = parseWatchtowerArguments(
      `${page}\n## New\n\`\`\`text\n            Argument: --brand-new\nEnvironment Variable: WATCHTOWER_BRAND_NEW\n\`\`\`\n`,
    );
    expect(renderWatchtowerTable(more)).toContain('MISSING');
    expect(optionForWatchtower('--brand-new')).toBeUndefined();
  });
});

describe('WATCHTOWER_* variables nothing reads', () => {
  it('are named, each with the reason, and read ones are not', () => {
    const unread = unreadWatchtowerVariables({
      WATCHTOWER_NO_RESTART: 'true',
      WATCHTOWER_POLL_INTERVAL: '30',
      WATCHTOWER_HTTP_API_UPDATE: 'true',
      WATCHTOWER_HTTP_API_TOKEN_FILE: '/run/secrets/token',
      WATCHTOWER_NOTIFICATION_EMAIL_FROM: 'a@b.c',
      WATCHTOWER_POL_INTERVAL: '30',
      WATCHTOWER_DEBUG: 'true',
      TIDEWATCH_NOTHING: 'x',
    });
    expect(unread.map((entry) => entry.name)).toEqual(['WATCHTOWER_NO_RESTART', 'WATCHTOWER_POL_INTERVAL']);
    expect(unread[0]?.reason).toMatch(/^Not applicable: a recreated container is started/);
    expect(unread[1]?.reason).toMatch(/typo/);
  });
});

describe('--debug and --trace', () => {
  it('are --log-level debug and trace, the more verbose winning', () => {
    expect(logLevelOf({ logLevel: 'warn', debug: false, trace: false })).toBe('warn');
    expect(logLevelOf({ logLevel: 'warn', debug: true, trace: false })).toBe('debug');
    expect(logLevelOf({ logLevel: 'info', debug: true, trace: true })).toBe('trace');
    expect(logLevelOf({ logLevel: 'trace', debug: true, trace: false })).toBe('debug');
  });
});
