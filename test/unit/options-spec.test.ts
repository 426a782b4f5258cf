import { describe, expect, it } from 'vitest';
import type { Command, Option } from 'commander';
import { addAllOptions, buildProgram, type CommandHandlers } from '../../src/cli/index.js';
import {
  OPTIONS,
  Settings,
  effectiveConfig,
  helpText,
  loadSettings,
  renderConfigurationReference,
  type AnyOption,
} from '../../src/config/index.js';
import { ConfigFileSchema, FILE_SUFFIX, fileOptions } from '../../src/config/config-schema.js';
import { shownValue } from '../../src/config/effective-config.js';

/**
 * Every option is declared once (src/config/options/); Settings, the loader's defaults, `--help`,
 * the config file's schema and docs/configuration.md are derived from that. These tests fail when
 * one of them drifts from the specs.
 */
const options: readonly AnyOption[] = OPTIONS;
const defaults = loadSettings({}, {}, undefined);
const printed = effectiveConfig(defaults, { revealSecrets: true });

describe('the options specs', () => {
  it('fill every Settings field, each from exactly one option', () => {
    const filled = options.map((option) =>
      option.group === undefined ? option.field : `${option.group}.${option.field}`,
    );
    expect(new Set(filled).size, 'two options fill one field').toBe(filled.length);
    const legacy = Settings.shape.legacyNotifications.shape;
    const fields = [
      ...Object.keys(Settings.shape).filter((key) => key !== 'legacyNotifications' && key !== 'registries'),
      ...Object.keys(legacy).map((key) => `legacyNotifications.${key}`),
    ];
    expect([...filled].sort()).toEqual(fields.sort());
  });

  it.each(options.map((option) => [option.key, option] as const))(
    '%s: its default is valid, and is what loading with nothing given yields',
    (_key, option) => {
      if (option.default !== undefined) expect(option.schema.safeParse(option.default).success).toBe(true);
      // A default described in words depends on the machine; the others are checked as printed.
      if (option.defaultText === undefined && option.default !== undefined && option.inFile !== false) {
        expect(printed[option.key]).toEqual(shownValue(option, option.default));
      }
    },
  );

  it('--help of run shows each flag with the description and default from its spec', () => {
    const handlers = new Proxy({} as CommandHandlers, { get: () => () => Promise.resolve(0) });
    const program = buildProgram(handlers, () => undefined);
    addAllOptions(program);
    const run = program.commands.find((command: Command) => command.name() === 'run');
    const flags = new Map(run?.options.map((option: Option) => [option.long, option.description]));
    for (const option of options.filter((candidate) => candidate.flag !== undefined)) {
      expect(flags.get(`--${option.flag}`), option.key).toBe(helpText(option));
    }
    // Defaults are rendered, never written into a description as well.
    for (const option of options) expect(option.description, option.key).not.toMatch(/\(default/);
  });

  it('the config file takes exactly the file options (and <key>File for each secret), plus registries', () => {
    const keys = fileOptions().flatMap((option) =>
      option.secret === true ? [option.key, option.key + FILE_SUFFIX] : [option.key],
    );
    expect(Object.keys(ConfigFileSchema.shape).sort()).toEqual([...keys, 'registries'].sort());
  });

  it('the reference lists each option with its default from the spec', () => {
    const reference = renderConfigurationReference();
    for (const option of options) {
      if (option.defaultText !== undefined) expect(reference, option.key).toContain(option.defaultText);
      expect(reference).toContain(option.description.replace(/\|/g, '\\|'));
    }
  });
});
