import { z } from 'zod';
import { option } from './spec.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const LOG_OPTIONS = [
  option({
    key: 'logLevel',
    flag: 'log-level',
    env: ['TIDEWATCH_LOG_LEVEL', 'WATCHTOWER_LOG_LEVEL'],
    kind: 'level',
    valueName: 'level',
    description: 'trace, debug, info, warn, error or silent',
    field: 'logLevel',
    schema: z.enum(LOG_LEVELS),
    default: 'info',
  }),
  option({
    key: 'logFormat',
    flag: 'log-format',
    env: ['TIDEWATCH_LOG_FORMAT'],
    kind: 'string',
    valueName: 'format',
    description: 'auto (pretty on a terminal, JSON otherwise), pretty or json',
    field: 'logFormat',
    schema: z.enum(['auto', 'pretty', 'json']),
    default: 'auto',
  }),
  // Watchtower's aliases for --log-level debug and trace; the more verbose wins (logLevelOf).
  option({
    key: 'debug',
    flag: 'debug',
    shortFlag: 'd',
    env: ['TIDEWATCH_DEBUG', 'WATCHTOWER_DEBUG'],
    kind: 'boolean',
    description: 'Same as --log-level debug',
    field: 'debug',
    schema: z.boolean(),
    default: false,
  }),
  option({
    key: 'trace',
    flag: 'trace',
    env: ['TIDEWATCH_TRACE', 'WATCHTOWER_TRACE'],
    kind: 'boolean',
    description: 'Same as --log-level trace',
    field: 'trace',
    schema: z.boolean(),
    default: false,
  }),
] as const;

type LogLevel = (typeof LOG_LEVELS)[number];

/** The level to log at: --trace, then --debug, then --log-level (Watchtower's order). */
export function logLevelOf(settings: {
  readonly logLevel: LogLevel;
  readonly debug: boolean;
  readonly trace: boolean;
}): LogLevel {
  if (settings.trace) return 'trace';
  if (settings.debug) return 'debug';
  return settings.logLevel;
}
