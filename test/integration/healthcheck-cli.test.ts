import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectExit, runCli } from '../support/tidewatch.js';

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('tidewatch healthcheck', () => {
  it('names the real cause when nothing answers', async () => {
    const port = await closedPort();
    const result = expectExit(await runCli(['healthcheck', '--http-addr', `127.0.0.1:${port}`]), 1);
    expect(result.stderr.trim()).toBe(
      `tidewatch: http://127.0.0.1:${port}/healthz did not answer: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('is healthy with the API off by configuration: there is nothing to probe', async () => {
    const result = expectExit(await runCli(['healthcheck'], { TIDEWATCH_HTTP_ADDR: 'off' }));
    expect(result.stderr.trim()).toBe(
      'tidewatch: the HTTP API is off (--http-addr off): there is nothing to probe',
    );
  });
});
