import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { handleError, statusOf } from '../../src/api/errors.js';
import { TidewatchError } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/log/index.js';

/** An app whose one route throws `error`, answered by the API's error handler. */
async function answer(error: Error): Promise<{ status: number; body: unknown }> {
  const app = new Hono();
  app.get('/', () => {
    throw error;
  });
  app.onError(handleError(silentLogger()));
  const response = await app.request('/');
  return { status: response.status, body: await response.json() };
}

describe('API errors', () => {
  it.each([
    ['invalid-query', 400],
    ['HISTORY_BAD_QUERY', 400],
    ['invalid-reference', 400],
    ['unauthorized', 401],
    ['token-required', 403],
    ['not-found', 404],
    ['conflict', 409],
    ['engine-error', 502],
    ['shutting-down', 503],
    ['anything-else', 500],
  ])('%s answers %i', (code, status) => {
    expect(statusOf(code)).toBe(status);
  });

  it('keep the code and the first line of the message of a known error', async () => {
    expect(await answer(new TidewatchError('not-found', 'no container named web\nmore'))).toEqual({
      status: 404,
      body: { error: { code: 'not-found', message: 'no container named web' } },
    });
  });

  it('never show the text of an unknown error, nor a stack', async () => {
    const secret = new Error('ECONNREFUSED /var/run/secret.sock at Object.<anonymous> (/app/x.js:1:1)');
    const { status, body } = await answer(secret);
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(body).toEqual({
      error: { code: 'internal', message: 'internal error; the log of Tidewatch says more' },
    });
    expect((await answer(new TidewatchError('STORE_BAD_ROW', 'detail'))).status).toBe(500);
  });

  it("map Hono's own exceptions", async () => {
    expect((await answer(new HTTPException(413))).body).toEqual({
      error: { code: 'payload-too-large', message: 'the body is too large' },
    });
    expect((await answer(new HTTPException(400, { message: 'bad' }))).status).toBe(400);
  });
});
