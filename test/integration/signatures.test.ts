import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle, type CycleDeps } from '../../src/updater/index.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { cosignSign } from '../support/cosign.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { expectExit, logLines, runCli, tempStore, tidewatchDeps } from '../support/tidewatch.js';

interface Checked {
  name: string;
  status: string;
  reason?: string;
}

/**
 * The signature gate against the lab registry (docs/security.md): images signed the way cosign
 * signs them (test/support/cosign.ts, whose format test/unit/signature-cosign.test.ts proves on
 * cosign's own output) deploy; unsigned ones, ones signed by another key and signatures naming
 * another image do not, with the reason in `check`, in the run's log and in the skip event.
 */
describe('only signed images deploy', () => {
  const docker = labDocker();
  const lab = useLab();
  const dir = mkdtempSync(join(tmpdir(), 'tw-signatures-'));
  const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(dir, 'cosign.pub');
  const env = { TIDEWATCH_DATA_DIR: dir, TIDEWATCH_STOP_TIMEOUT: '1s', TIDEWATCH_SIGNATURE_KEY: keyFile };

  beforeAll(() => {
    writeFileSync(keyFile, trusted.publicKey.export({ type: 'spki', format: 'pem' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A container on v1 of a repository of its own, and v2 pushed; `sign` does what it likes to v2. */
  async function scenario(
    labels: Record<string, string>,
    sign: (repository: string, digest: string) => Promise<unknown>,
  ): Promise<{ name: string; first: string; second: string }> {
    const repository = uniqueName('signed');
    const image = `${lab.registry.host}/${repository}:latest`;
    const { imageId: first } = await buildAndPush(image);
    const name = uniqueName('signed');
    await runContainer(name, image, { Labels: labels });
    const { imageId: second, digest } = await publishUpdate(image);
    await sign(repository, digest);
    return { name, first, second };
  }

  const imageOf = async (name: string): Promise<string> => (await docker.getContainer(name).inspect()).Image;
  const required = { 'tidewatch.verify.signature': 'true' };
  const leaveUnsigned = (): Promise<void> => Promise.resolve();
  const by = (keys: KeyObject[]) => (repository: string, digest: string) =>
    cosignSign(lab.registry, repository, digest, keys);

  it('signed by the trusted key: deploys; unsigned, another key, another digest: refused with the reason', async () => {
    const other = `sha256:${'0'.repeat(64)}`;
    const [signed, unsigned, foreign, misnamed] = await Promise.all([
      scenario(required, by([trusted.privateKey])),
      scenario(required, leaveUnsigned),
      scenario(required, by([stranger.privateKey])),
      scenario(required, (repository, digest) =>
        cosignSign(lab.registry, repository, digest, [trusted.privateKey], { names: other }),
      ),
    ]);
    const names = [signed, unsigned, foreign, misnamed].map((s) => s.name);

    const check = await runCli(['check', '--json', ...names], env);
    const rows = JSON.parse(check.stdout) as Checked[];
    const row = (name: string) => rows.find((r) => r.name === name);
    expect(row(signed.name)).toMatchObject({ status: 'update-available' });
    expect(row(unsigned.name)).toMatchObject({
      status: 'unknown',
      reason: 'signature required: not signed: it has no cosign signature',
    });
    expect(row(foreign.name)).toMatchObject({
      status: 'unknown',
      reason: 'signature required: not signed by a trusted key (1 signature, none by --signature-key)',
    });
    expect(row(misnamed.name)).toMatchObject({
      status: 'unknown',
      reason: `signature required: its signature is for ${other}, not for this image`,
    });

    // Refusals are a failed run (exit 1) that changes nothing but the signed one.
    const once = await runCli(['once', ...names], env);
    expectExit(once, 1);
    expect(await imageOf(signed.name)).toBe(signed.second);
    for (const refused of [unsigned, foreign, misnamed])
      expect(await imageOf(refused.name)).toBe(refused.first);
    const skips = logLines(once.stderr).filter((line) => line.msg === 'signature refused');
    expect(skips.map((line) => line.container).sort()).toEqual(
      [unsigned.name, foreign.name, misnamed.name].sort(),
    );
    expect(skips.every((line) => String(line.reason).startsWith('signature required: '))).toBe(true);

    // The history says why each refused digest did not deploy, once: another run adds no row.
    expectExit(await runCli(['once', ...names], env), 1);
    const history = JSON.parse((await runCli(['history', '--json'], env)).stdout) as Array<{
      containerName: string;
      state: string;
      reason: string | null;
    }>;
    const rowsOf = (name: string) => history.filter((record) => record.containerName === name);
    expect(rowsOf(signed.name).map((record) => record.state)).toEqual(['committed']);
    for (const [refused, reason] of [
      [unsigned, row(unsigned.name)?.reason],
      [foreign, row(foreign.name)?.reason],
      [misnamed, row(misnamed.name)?.reason],
    ] as const)
      expect(rowsOf(refused.name)).toEqual([expect.objectContaining({ state: 'failed', reason })]);
  });

  it('--require-signature asks it of every container; without it, an unlabelled container updates as before', async () => {
    const [gated, free] = await Promise.all([scenario({}, leaveUnsigned), scenario({}, leaveUnsigned)]);
    expectExit(await runCli(['once', '--require-signature', gated.name], env), 1);
    expect(await imageOf(gated.name)).toBe(gated.first);
    expectExit(await runCli(['once', free.name], env));
    expect(await imageOf(free.name)).toBe(free.second);
  });

  it('a label cannot waive --require-signature, and the option needs a key', async () => {
    const waived = await scenario({ 'tidewatch.verify.signature': 'false' }, leaveUnsigned);
    expectExit(await runCli(['once', '--require-signature', waived.name], env), 1);
    expect(await imageOf(waived.name)).toBe(waived.first);
    const keyless = await runCli(['once', '--require-signature', waived.name], {
      ...env,
      TIDEWATCH_SIGNATURE_KEY: '',
    });
    expectExit(keyless, 2);
    expect(keyless.stderr.trim().split('\n').at(-1)).toBe(
      'tidewatch: --require-signature needs --signature-key or --signature-identity: trusting nobody, no new image could deploy',
    );
  });

  it('a refused digest costs one HEAD per cycle until its signatures change; signed later, it deploys', async () => {
    const store = tempStore();
    try {
      const deps: CycleDeps = {
        ...(await tidewatchDeps({ stopTimeout: '1s', signatureKey: keyFile })),
        store: store.store,
      };
      const repository = uniqueName('signed-later');
      const image = `${lab.registry.host}/${repository}:latest`;
      await buildAndPush(image);
      const name = uniqueName('signed-later');
      await runContainer(name, image, { Labels: required });
      const { imageId: second, digest } = await publishUpdate(image);
      const cycle = async () =>
        (
          await runCycle(deps, { names: [name], update: true, signal: AbortSignal.timeout(120_000) })
        ).entries.find((entry) => entry.name === name);
      let signatures = '';
      const signatureRequests = async () => {
        await lab.registry.flush();
        return lab.registry
          .requests()
          .filter((r) => /\.sig$|\/blobs\//.test(r.path) || r.path.endsWith(signatures))
          .map((r) => `${r.method} ${r.path.replace(`/v2/${repository}/`, '')}`);
      };

      // Signed by a stranger: read once (manifest and payload), then only the HEAD of its tag.
      signatures = await cosignSign(lab.registry, repository, digest, [stranger.privateKey]);
      lab.registry.resetRequests();
      expect(await cycle()).toMatchObject({ status: 'unknown', action: 'skipped' });
      const first = await signatureRequests();
      expect(first.filter((r) => r.startsWith('HEAD ') && r.includes('.sig'))).toHaveLength(1);
      expect(first.filter((r) => r.startsWith('GET '))).toHaveLength(2);
      lab.registry.resetRequests();
      expect(await cycle()).toMatchObject({ status: 'unknown', action: 'skipped' });
      expect(await signatureRequests()).toEqual([`HEAD manifests/${digest.replace(':', '-')}.sig`]);
      // Refused twice, recorded once.
      const refusals = store.store.history.list({ container: name }).items;
      expect(refusals.map(({ state, toDigest }) => ({ state, toDigest }))).toEqual([
        { state: 'failed', toDigest: digest },
      ]);
      expect(refusals[0]?.reason).toMatch(/^signature required: not signed by a trusted key/);

      // Signed by the trusted key: the tag moved, so the signatures are read again, and it deploys.
      await cosignSign(lab.registry, repository, digest, [stranger.privateKey, trusted.privateKey]);
      const updated = await cycle();
      expect(updated, updated?.reason).toMatchObject({ action: 'updated' });
      expect(await imageOf(name)).toBe(second);
      expect(store.store.history.list({ container: name }).items.map((record) => record.state)).toEqual([
        'committed',
        'failed',
      ]);
    } finally {
      store.close();
    }
  });
});
