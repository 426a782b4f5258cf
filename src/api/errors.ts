import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CODES, type ErrorCode } from '../domain/error-codes.js';
import { TidewatchError, describeError } from '../domain/errors.js';
import type { Logger } from '../log/index.js';

/** The one shape of every error the API answers. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * The one place error codes become HTTP statuses. Codes come from the API itself and from the
 * modules it calls (a bad history query, a bad image reference, a queue that is shutting down);
 * anything else is a bug and answers 500 with a generic message, never the error's text or stack.
 */
/** The status the API answers `code` with; 500 for a code it never shows as itself. */
export function statusOf(code: string): ContentfulStatusCode {
  return isErrorCode(code) ? ERROR_CODES[code].status : 500;
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** Codes the API answers as themselves: every one with a status other than 500. */
function shownByApi(code: ErrorCode): boolean {
  return ERROR_CODES[code].status !== 500;
}

/** Throw this from a handler: `apiError('not-found', 'no container named web')`. */
export function apiError(code: ErrorCode, message: string): TidewatchError {
  return new TidewatchError(code, message);
}

export function errorResponse(c: Context, code: string, message: string): Response {
  const body: ApiErrorBody = { error: { code, message } };
  return c.json(body, statusOf(code));
}

/** Hono's onError: known errors keep their code and one-line message; the rest are logged, not shown. */
export function handleError(logger: Logger): (error: Error, c: Context) => Response {
  return (error, c) => {
    if (error instanceof TidewatchError && shownByApi(error.code)) {
      return errorResponse(c, error.code, describeError(error));
    }
    if (error instanceof HTTPException) {
      const code = error.status === 413 ? 'payload-too-large' : 'invalid-request';
      return errorResponse(c, code, error.status === 413 ? 'the body is too large' : describeError(error));
    }
    logger.error(
      { method: c.req.method, path: c.req.path, reason: describeError(error) },
      'the API failed a request',
    );
    return errorResponse(c, 'internal', 'internal error; the log of Tidewatch says more');
  };
}
