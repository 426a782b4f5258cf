import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
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
const STATUS_BY_CODE: Readonly<Record<string, ContentfulStatusCode>> = {
  'invalid-request': 400,
  'invalid-json': 400,
  'invalid-body': 400,
  'invalid-query': 400,
  'invalid-params': 400,
  'invalid-header': 400,
  'invalid-reference': 400,
  HISTORY_BAD_QUERY: 400,
  unauthorized: 401,
  'token-required': 403,
  'csrf-required': 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'payload-too-large': 413,
  // The engine answered with an error or not at all: the fault is upstream of the API.
  'engine-error': 502,
  'shutting-down': 503,
  'not-ready': 503,
};

export function statusOf(code: string): ContentfulStatusCode {
  return STATUS_BY_CODE[code] ?? 500;
}

/** Throw this from a handler: `apiError('not-found', 'no container named web')`. */
export function apiError(code: keyof typeof STATUS_BY_CODE, message: string): TidewatchError {
  return new TidewatchError(code, message);
}

export function errorResponse(c: Context, code: string, message: string): Response {
  const body: ApiErrorBody = { error: { code, message } };
  return c.json(body, statusOf(code));
}

/** Hono's onError: known errors keep their code and one-line message; the rest are logged, not shown. */
export function handleError(logger: Logger): (error: Error, c: Context) => Response {
  return (error, c) => {
    if (error instanceof TidewatchError && STATUS_BY_CODE[error.code] !== undefined) {
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
