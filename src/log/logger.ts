import { pino, type Logger, type LevelWithSilent } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';

export type { Logger };

/**
 * Keys that may carry secrets anywhere in a log object. pino's redaction replaces them before the
 * line is written, so a secret never reaches a log even when a caller logs a whole object.
 */
const SECRET_PATHS = [
  'password',
  'secret',
  'token',
  'auth',
  'authorization',
  'identitytoken',
  '*.password',
  '*.secret',
  '*.token',
  '*.auth',
  '*.authorization',
  '*.identitytoken',
  'headers.authorization',
];

export interface LoggerOptions {
  readonly level?: LevelWithSilent;
  /** Pretty, coloured lines; JSON lines otherwise. Defaults to pretty on a TTY. */
  readonly pretty?: boolean;
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const pretty = options.pretty ?? (destination === process.stderr && process.stderr.isTTY === true);
  const base = {
    level: options.level ?? 'info',
    base: undefined,
    redact: { paths: SECRET_PATHS, censor: '[redacted]' },
  };
  if (pretty) {
    // Required only for pretty output: a daemon writing JSON lines never pays for pino-pretty
    // (and its colour and date libraries). Synchronous, so the logger is ready on return.
    const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pino(base, pinoPretty({ destination: 2, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' }));
  }
  return pino(base, destination);
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
