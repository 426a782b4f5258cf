import { pino, type Logger, type LevelWithSilent, type LogFn } from 'pino';
import { redactSettings, redactText } from '../domain/redact.js';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';

export type { Logger };

/**
 * Every log line goes through the one redaction (src/domain/redact.ts) before it is written: the
 * values of secret-named keys at any depth (`password`, `token`, `authorization`, ...), every URL
 * in any value or message (its password, tokens, webhook keys), errors' messages and stacks. So a
 * secret never reaches a log, even when a caller logs a whole object or an error that echoes a URL.
 */
const redactingHooks = {
  formatters: {
    log: (object: Record<string, unknown>): Record<string, unknown> => redactSettings(object),
  },
  hooks: {
    logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
      const redacted = args.map((arg: unknown) => (typeof arg === 'string' ? redactText(arg) : arg));
      method.apply(this, redacted as Parameters<LogFn>);
    },
  },
};

export interface LoggerOptions {
  readonly level?: LevelWithSilent;
  /** Pretty, coloured lines; JSON lines otherwise. Defaults to pretty on a TTY. */
  readonly pretty?: boolean;
  readonly destination?: NodeJS.WritableStream;
}

/**
 * A child's bindings are redacted once, when it is made: pino applies no formatter to them. Set on
 * the root, `child` is inherited by every child, so grandchildren are covered too.
 */
function redactingChildren(logger: Logger): Logger {
  // Read off the object on purpose: it is called below with each child as `this`.
  const child = Reflect.get(logger, 'child') as unknown as (
    this: Logger,
    bindings: Record<string, unknown>,
    options?: object,
  ) => Logger;
  const redacting = function (this: Logger, bindings: Record<string, unknown>, options?: object): Logger {
    return child.call(this, redactSettings(bindings), options);
  };
  logger.child = redacting as unknown as Logger['child'];
  return logger;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const pretty = options.pretty ?? (destination === process.stderr && process.stderr.isTTY === true);
  const base = {
    level: options.level ?? 'info',
    base: undefined,
    ...redactingHooks,
  };
  if (!pretty) {
    // JSON lines as people and log shippers read them: `"level":"info"` and an ISO 8601 UTC time.
    return redactingChildren(
      pino(
        {
          ...base,
          timestamp: pino.stdTimeFunctions.isoTime,
          formatters: { ...base.formatters, level: (label: string) => ({ level: label }) },
        },
        destination,
      ),
    );
  }
  // Required only for pretty output: a daemon writing JSON lines never pays for pino-pretty
  // (and its colour and date libraries). Synchronous, so the logger is ready on return.
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return redactingChildren(
    pino(base, pinoPretty({ destination: 2, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' })),
  );
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
