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
] as const;
