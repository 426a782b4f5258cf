import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseImageRef } from '../../src/domain/image-ref.js';
import { referrersTag } from '../../src/registry/sigstore-referrers.js';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { sha256Digest, uploadBlob } from '../lab/registry-http.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { attachSigstoreBundles } from '../support/sigstore.js';
import { expectExit, logLines, runCli, tidewatchDeps } from '../support/tidewatch.js';

const fixture = (name: string): string => new URL(`../fixtures/sigstore/${name}`, import.meta.url).pathname;
/** Real keyless bundles (test/fixtures/sigstore/SOURCE.md); the DSSE one's subject is a.txt's digest. */
const dsse = readFileSync(fixture('intoto-dsse.sigstore'));
const textPlain = readFileSync(fixture('dsse-text-plain.sigstore'));
const signedDigest = sha256Digest(readFileSync(fixture('a.txt')));
const ISSUER = 'https://token.actions.githubusercontent.com';
const SIGNER =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const IDENTITY = `issuer=${ISSUER},subject=^https://github.com/sigstore-conformance/`;
const TRUSTED_ROOT = fixture('trusted_root.production.json');

interface Checked {
  name: string;
  status: string;
  reason?: string;
}

/**
 * Keyless signatures against the lab registry (distribution 2.8: no referrers API, so bundles are
 * found through the `sha256-<hex>` tag). No keyless bundle can be made here for an image pushed
 * here (that takes Fulcio and Rekor), so the daemon's path is proven on refusals (no bundle, a
 * real bundle attached to an image it does not sign) and the pass on the real bundle's own subject
 * digest, through the same registry session and gate a cycle uses.
 */
describe('Sigstore bundles attached as OCI referrers', () => {
  const docker = labDocker();
  const lab = useLab();
  const dir = mkdtempSync(join(tmpdir(), 'tw-sigstore-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = {
    TIDEWATCH_DATA_DIR: dir,
    TIDEWATCH_STOP_TIMEOUT: '1s',
    TIDEWATCH_SIGNATURE_IDENTITY: IDENTITY,
    TIDEWATCH_SIGNATURE_TRUSTED_ROOT: TRUSTED_ROOT,
  };
  const imageOf = async (name: string): Promise<string> => (await docker.getContainer(name).inspect()).Image;

  /** A container on v1 of a repository of its own, and v2 pushed; `attach` does what it likes to v2. */
  async function scenario(
    attach: (repository: string, digest: string) => Promise<unknown>,
  ): Promise<{ name: string; first: string; digest: string }> {
    const repository = uniqueName('keyless');
    const image = `${lab.registry.host}/${repository}:latest`;
    const { imageId: first } = await buildAndPush(image);
    const name = uniqueName('keyless');
    await runContainer(name, image, { Labels: { 'tidewatch.verify.signature': 'true' } });
    const { digest } = await publishUpdate(image);
    await attach(repository, digest);
    return { name, first, digest };
  }

  it('unsigned, or a real bundle for another image: not deployed, with the reason in check and the log', async () => {
    const [unsigned, misattached] = await Promise.all([
      scenario(() => Promise.resolve()),
      scenario((repository, digest) => attachSigstoreBundles(lab.registry, repository, digest, [dsse])),
    ]);
    const names = [unsigned.name, misattached.name];

    const check = await runCli(['check', '--json', ...names], env);
    const rows = JSON.parse(check.stdout) as Checked[];
    const row = (name: string): Checked | undefined => rows.find((r) => r.name === name);
    expect(row(unsigned.name)).toMatchObject({
      status: 'unknown',
      reason: 'signature required: not signed: it has no Sigstore bundle',
    });
    expect(row(misattached.name)).toMatchObject({
      status: 'unknown',
      reason: `signature required: its Sigstore bundle is for ${signedDigest}, not for this image`,
    });

    const once = await runCli(['once', ...names], env);
    expectExit(once, 1);
    for (const refused of [unsigned, misattached]) expect(await imageOf(refused.name)).toBe(refused.first);
    const skips = logLines(once.stderr).filter((line) => line.msg === 'signature refused');
    expect(skips.map((line) => line.container).sort()).toEqual([...names].sort());
  });

  it('a bad trusted root or identity stops the start with one line', async () => {
    const root = await runCli(['once', '--scope', uniqueName('nobody')], {
      ...env,
      TIDEWATCH_SIGNATURE_TRUSTED_ROOT: fixture('a.txt'),
    });
    expectExit(root, 2);
    expect(root.stderr.trim().split('\n').at(-1)).toMatch(
      /^tidewatch: --signature-trusted-root .*a\.txt: Unexpected token/,
    );
    const identity = await runCli(['once', '--scope', uniqueName('nobody')], {
      ...env,
      TIDEWATCH_SIGNATURE_IDENTITY: `issuer=${ISSUER}`,
    });
    expectExit(identity, 2);
    expect(identity.stderr.trim().split('\n').at(-1)).toBe(
      `tidewatch: --signature-identity "issuer=${ISSUER}": expected issuer=<URL>,subject=<pattern>`,
    );
  });

  it('the gate passes the real bundle on its own digest, and re-reads bundles only when the referrers change', async () => {
    const deps = await tidewatchDeps({}, env);
    const gate = deps.signatures;
    if (gate === undefined) throw new Error('no signature gate wired');
    const repository = uniqueName('keyless-gate');
    // The repository needs to exist; the subject image itself never has to (the tag schema does not ask).
    await uploadBlob(lab.registry, repository, Buffer.from('{}'));
    const ref = parseImageRef(`${lab.registry.host}/${repository}:latest`);
    const [good] = await attachSigstoreBundles(lab.registry, repository, signedDigest, [dsse]);
    const other = sha256Digest(Buffer.from('another image'));
    await attachSigstoreBundles(lab.registry, repository, other, [dsse]);
    const check = (digest: string) =>
      gate.check(deps.registry.session(), ref, digest, AbortSignal.timeout(30_000));
    const requests = async (): Promise<string[]> => {
      await lab.registry.flush();
      const seen = lab.registry
        .requests()
        .filter((r) => r.path.startsWith(`/v2/${repository}/`))
        .map((r) => `${r.method} ${r.path.replace(`/v2/${repository}/`, '')} ${r.status}`);
      lab.registry.resetRequests();
      return seen;
    };

    lab.registry.resetRequests();
    expect(await check(signedDigest)).toEqual({ ok: true, signer: `${SIGNER} (issuer ${ISSUER})` });
    expect(await requests()).toEqual([
      `GET referrers/${signedDigest} 404`,
      `GET manifests/${referrersTag(signedDigest)} 200`,
      `GET manifests/${good} 200`,
      `GET blobs/${sha256Digest(dsse)} 200`,
    ]);

    expect(await check(other)).toMatchObject({ ok: false, fresh: true });
    await requests();
    // Refused and unchanged: the next cycle lists the referrers and reads no bundle.
    expect(await check(other)).toMatchObject({ ok: false, fresh: false });
    expect(await requests()).toEqual([
      `GET referrers/${other} 404`,
      `GET manifests/${referrersTag(other)} 200`,
    ]);
    // Another bundle attached: the referrers changed, so the bundles are read and verified again.
    await attachSigstoreBundles(lab.registry, repository, other, [dsse, textPlain]);
    lab.registry.resetRequests();
    expect(await check(other)).toEqual({
      ok: false,
      fresh: true,
      reason: `its Sigstore bundle is for ${signedDigest}, not for this image (and 1 more bundle refused)`,
    });
    expect((await requests()).filter((r) => r.startsWith('GET blobs/'))).toHaveLength(2);
  });
});
