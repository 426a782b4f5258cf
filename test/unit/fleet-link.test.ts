import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerLink, type TargetsMessage } from '../../src/fleet/index.js';
import { selfSignedCertificate } from '../support/receivers.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const TOKEN = 'twm_right';

/**
 * The member's side of the wire against a real HTTPS server whose certificate only a private CA
 * file vouches for: the stream, a report, and the refusals a member must tell apart.
 */
describe("a member's link to its controller over TLS", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-fleet-link-'));
  const caFile = join(dir, 'ca.pem');
  const reports: unknown[] = [];
  let server: https.Server;
  let url = '';

  beforeAll(async () => {
    const { key, cert } = selfSignedCertificate();
    writeFileSync(caFile, cert);
    server = https.createServer({ key, cert }, (req, res) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}` || req.headers['x-tidewatch-member'] !== 'edge-1') {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { code: 'unauthorized', message: 'unknown or revoked member token' } }),
        );
        return;
      }
      if (req.url?.startsWith('/api/v1/fleet/stream?wave=2')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': connected\n\n: heartbeat\n\n');
        res.write(
          `event: targets\ndata: ${JSON.stringify({ targets: [{ ref: 'r.example/app:1', digest: DIGEST, rollout: 7 }] })}\n\n`,
        );
        res.end('event: other\ndata: {}\n\n');
        return;
      }
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        reports.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const link = (token: string, ca: string | undefined) =>
    new ControllerLink({ controller: url, token, member: 'edge-1', wave: 2, caFile: ca });

  it('with the CA file: reads the targets off the stream and posts a report', async () => {
    const heard: TargetsMessage[] = [];
    let opened = false;
    const end = await link(TOKEN, caFile).stream(
      (message) => heard.push(message),
      () => (opened = true),
      new AbortController().signal,
    );
    expect(opened).toBe(true);
    expect(heard).toEqual([{ targets: [{ ref: 'r.example/app:1', digest: DIGEST, rollout: 7 }] }]);
    expect(end).toEqual({ kind: 'dropped', reason: 'the controller closed the stream' });

    const report = { version: '1', wave: 2, containers: [], outcomes: [] };
    await link(TOKEN, caFile).report(report, new AbortController().signal);
    expect(reports).toEqual([report]);
  });

  it('without it: the certificate is refused, nothing is read', async () => {
    const end = await link(TOKEN, undefined).stream(
      () => undefined,
      () => undefined,
      new AbortController().signal,
    );
    expect(end.kind).toBe('dropped');
    expect(end.reason).toMatch(/self[- ]signed certificate/);
  });

  it("a refused token is `refused`, with the controller's reason", async () => {
    const end = await link('twm_wrong', caFile).stream(
      () => undefined,
      () => undefined,
      new AbortController().signal,
    );
    expect(end).toEqual({ kind: 'refused', reason: 'HTTP 401: unknown or revoked member token' });
    await expect(
      link('twm_wrong', caFile).report(
        { version: '1', wave: 2, containers: [], outcomes: [] },
        new AbortController().signal,
      ),
    ).rejects.toThrow('the controller refused the report: HTTP 401: unknown or revoked member token');
  });
});
