import type { ErrorCode } from '../domain/error-codes.js';
import type { z } from 'zod';
import { TidewatchError } from '../domain/index.js';

/**
 * Parses what a caller hands the store. A TidewatchError with a stable code, not a ZodError, so
 * the API can answer 400 for a bad history query the same way it does for every other bad input.
 */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
  code: ErrorCode,
  what: string,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
  throw new TidewatchError(code, `invalid ${what}: ${where}${issue?.message ?? 'rejected'}`, {
    cause: parsed.error,
  });
}
