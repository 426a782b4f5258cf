import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../lab/index.js';
import { startDaemon } from '../support/daemon.js';
import { apiUrlOf } from '../support/fleet.js';
import { expectExit, runCli } from '../support/tidewatch.js';

/**
 * `tidewatch token create|list|revoke` next to a running daemon with no --api-token: the tokens
 * alone guard the API, each with its role, and a revoked one is refused from its next request.
 */
describe('named API tokens from the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-tokens-'));
  const env = { TIDEWATCH_DATA_DIR: dir };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, lists and revokes; a viewer reads, an operator checks, a revoked token is refused', async () => {
    const daemon = await startDaemon(
      ['--scope', uniqueName('nobody'), '--interval', '1h', '--no-startup-check'],
      env,
    );
    try {
      const url = apiUrlOf(daemon);
      const call = (method: string, path: string, token: string) =>
        fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      // Before any token, changes are not served at all.
      expect((await fetch(`${url}/api/v1/check?wait=false`, { method: 'POST' })).status).toBe(403);

      const viewer = expectExit(
        await runCli(['token', 'create', 'alice', '--role', 'viewer'], env),
      ).stdout.trim();
      const operator = expectExit(
        await runCli(['token', 'create', 'ci-bot', '--role', 'operator'], env),
      ).stdout.trim();
      expect(viewer).toMatch(/^twa_[A-Za-z0-9_-]{43}$/);

      expect((await call('GET', '/api/v1/containers', viewer)).status).toBe(200);
      const refused = await call('POST', '/api/v1/check?wait=false', viewer);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      expect((await call('POST', '/api/v1/check?wait=false', operator)).status).toBe(202);
      expect((await call('GET', '/api/v1/containers', 'twa_wrong')).status).toBe(401);

      const listed = JSON.parse(expectExit(await runCli(['token', 'list', '--json'], env)).stdout) as Array<{
        name: string;
        role: string;
        revokedAt: number | null;
      }>;
      expect(listed.map(({ name, role, revokedAt }) => [name, role, revokedAt])).toEqual([
        ['alice', 'viewer', null],
        ['ci-bot', 'operator', null],
      ]);
      expect(JSON.stringify(listed)).not.toContain(viewer);

      expectExit(await runCli(['token', 'revoke', 'ci-bot'], env));
      expect((await call('POST', '/api/v1/check?wait=false', operator)).status).toBe(401);
      expectExit(await runCli(['token', 'revoke', 'ci-bot'], env), 1);

      const bad = await runCli(['token', 'create', 'bob', '--role', 'root'], env);
      expectExit(bad, 2);
      expect(bad.stderr.trim()).toBe('tidewatch: --role "root": one of viewer, operator, admin');
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });
});
