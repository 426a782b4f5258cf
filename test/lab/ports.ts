import { createServer } from 'node:net';

/**
 * A loopback port nobody listens on now: for a server a test starts on it, or as the address of
 * a service that is down. Another process may take it meanwhile; tests that need several at once
 * hold them together (start-first.test.ts).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port was assigned'))));
    });
  });
}
