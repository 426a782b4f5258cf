import type { ErrorCode } from './error-codes.js';

/**
 * The one error class of Tidewatch. Expected outcomes (no update, registry 404, unhealthy) are
 * values, not exceptions; this is for broken infrastructure and bad input. `code` is stable and
 * machine-readable, `message` is one line a user can act on, `cause` keeps the original error.
 */
export class TidewatchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TidewatchError';
    this.code = code;
  }
}

/** One line describing any thrown value, for logs and outcome reasons (never a stack trace). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
