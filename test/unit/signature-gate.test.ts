import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TidewatchError } from '../../src/domain/errors.js';
import { parseImageRef } from '../../src/domain/image-ref.js';
import { silentLogger } from '../../src/log/index.js';
import type { RegistrySession, SigstoreReferrer, StoredSignature } from '../../src/registry/index.js';
import {
  SignatureGate,
  loadSignatureTrust,
  signatureKeyId,
  type SignatureTrust,
  type SigstoreCheck,
} from '../../src/signature/index.js';
import { loadSigstoreCheck } from '../../src/signature/sigstore-check.js';

const fixture = (name: string): string => new URL(`../fixtures/sigstore/${name}`, import.meta.url).pathname;
const sha256 = (bytes: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const ref = parseImageRef('registry.example/app:latest');
const signal = AbortSignal.timeout(30_000);
/** The real DSSE bundle's subject (test/fixtures/sigstore/SOURCE.md) stands for the image digest. */
const digest = sha256(readFileSync(fixture('a.txt')));
const dsse = readFileSync(fixture('intoto-dsse.sigstore'));
const ISSUER = 'https://token.actions.githubusercontent.com';
const SIGNER =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const PRODUCTION = fixture('trusted_root.production.json');

/** What the fake registry holds for `digest`: its `.sig` manifest and its bundle referrers. */
interface Held {
  sig?: { digest: string; signatures: StoredSignature[] };
  bundles: Map<string, Uint8Array | undefined>;
  failReferrers?: string;
}

/** A RegistrySession with only the signature calls, counting them. */
function fakeRegistry(held: Held): { session: RegistrySession; calls: string[] } {
  const calls: string[] = [];
  const unexpected = (): never => {
    throw new Error('not expected');
  };
  const session: RegistrySession = {
    resolve: unexpected,
    tagDigest: unexpected,
    listTags: unexpected,
    imageCreated: unexpected,
    signatureDigest: () => {
      calls.push('sig');
      return Promise.resolve(
        held.sig === undefined ? { kind: 'none' } : { kind: 'digest', digest: held.sig.digest },
      );
    },
    cosignSignatures: () => {
      calls.push('cosign');
      return Promise.resolve({ kind: 'signatures', signatures: held.sig?.signatures ?? [] });
    },
    sigstoreReferrers: () => {
      calls.push('referrers');
      if (held.failReferrers !== undefined)
        return Promise.resolve({ kind: 'error', code: 'registry-unavailable', message: held.failReferrers });
      const referrers: SigstoreReferrer[] = [...held.bundles.keys()].map((d) => ({
        digest: d,
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      }));
      return Promise.resolve({ kind: 'referrers', referrers });
    },
    sigstoreBundle: (_ref, _digest, referrer) => {
      calls.push(`bundle ${referrer.digest}`);
      return Promise.resolve({ kind: 'bundle', bundle: held.bundles.get(referrer.digest) });
    },
  };
  return { session, calls };
}

/** A stand-in verifier: a bundle whose text is `ok:<signer>` passes, any other is refused with its text. */
const fakeCheck: SigstoreCheck = {
  verify: (bundle) => {
    const text = Buffer.from(bundle).toString();
    return text.startsWith('ok:')
      ? { ok: true, identity: { issuer: 'https://issuer.example', subject: text.slice(3) } }
      : { ok: false, reason: text };
  },
};

const gate = (trust: SignatureTrust): SignatureGate => new SignatureGate(trust, silentLogger());
const bundles = (...entries: [string, string | undefined][]): Map<string, Uint8Array | undefined> =>
  new Map(entries.map(([d, text]) => [d, text === undefined ? undefined : Buffer.from(text)]));
const referrer = (n: number): string => `sha256:${String(n).repeat(64)}`;

describe('the signature gate with keyless identities (fake registry)', () => {
  it('passes on the first bundle that verifies, naming its signer, and reads no further', async () => {
    const { session, calls } = fakeRegistry({
      bundles: bundles([referrer(1), 'wrong signer'], [referrer(2), 'ok:me'], [referrer(3), 'ok:other']),
    });
    const verdict = await gate({ keys: [], sigstore: fakeCheck }).check(session, ref, digest, signal);
    expect(verdict).toEqual({ ok: true, signer: 'me (issuer https://issuer.example)' });
    // No keys: the .sig tag is not asked.
    expect(calls).toEqual(['referrers', `bundle ${referrer(1)}`, `bundle ${referrer(2)}`]);
  });

  it('refuses with the first reason and how many more were refused; no referrers is "not signed"', async () => {
    const refused = fakeRegistry({
      bundles: bundles([referrer(1), 'first reason'], [referrer(2), 'second'], [referrer(3), undefined]),
    });
    expect(await gate({ keys: [], sigstore: fakeCheck }).check(refused.session, ref, digest, signal)).toEqual(
      {
        ok: false,
        fresh: true,
        reason: 'first reason (and 2 more bundles refused)',
      },
    );
    const none = fakeRegistry({ bundles: new Map() });
    expect(
      await gate({ keys: [], sigstore: fakeCheck }).check(none.session, ref, digest, signal),
    ).toMatchObject({ ok: false, reason: 'not signed: it has no Sigstore bundle' });
  });

  it('keeps a refusal until the referrers change, then verifies again', async () => {
    const held: Held = { bundles: bundles([referrer(1), 'wrong signer']) };
    const { session, calls } = fakeRegistry(held);
    const g = gate({ keys: [], sigstore: fakeCheck });
    expect(await g.check(session, ref, digest, signal)).toMatchObject({ ok: false, fresh: true });
    calls.length = 0;
    expect(await g.check(session, ref, digest, signal)).toMatchObject({
      ok: false,
      fresh: false,
      reason: 'wrong signer',
    });
    expect(calls).toEqual(['referrers']);
    held.bundles.set(referrer(2), Buffer.from('ok:me'));
    calls.length = 0;
    expect(await g.check(session, ref, digest, signal)).toMatchObject({
      ok: true,
      signer: 'me (issuer https://issuer.example)',
    });
    expect(calls).toEqual(['referrers', `bundle ${referrer(1)}`, `bundle ${referrer(2)}`]);
  });

  it('does not keep a registry failure: the next check asks again', async () => {
    const held: Held = { bundles: new Map(), failReferrers: 'registry.example: 503' };
    const { session, calls } = fakeRegistry(held);
    const g = gate({ keys: [], sigstore: fakeCheck });
    expect(await g.check(session, ref, digest, signal)).toEqual({
      ok: false,
      fresh: true,
      reason: 'its signatures could not be read: registry.example: 503',
    });
    expect(await g.check(session, ref, digest, signal)).toMatchObject({ fresh: true });
    expect(calls).toEqual(['referrers', 'referrers']);
  });
});

describe('the signature gate with keys and identities together', () => {
  const trusted = generateKeyPairSync('ed25519');
  const key = { id: signatureKeyId(trusted.publicKey), key: trusted.publicKey, file: 'cosign.pub' };
  const payload = (named: string): Buffer =>
    Buffer.from(
      JSON.stringify({
        critical: {
          type: 'cosign container image signature',
          image: { 'docker-manifest-digest': named },
          identity: { 'docker-reference': 'registry.example/app' },
        },
      }),
    );
  const signed = (named: string): StoredSignature => ({
    payload: payload(named),
    signature: sign(null, payload(named), trusted.privateKey).toString('base64'),
  });
  const both = (): SignatureGate => gate({ keys: [key], sigstore: fakeCheck });

  it('a valid cosign signature passes without reading bundles, naming the key', async () => {
    const { session, calls } = fakeRegistry({
      sig: { digest: referrer(9), signatures: [signed(digest)] },
      bundles: bundles([referrer(1), 'wrong signer']),
    });
    expect(await both().check(session, ref, digest, signal)).toEqual({ ok: true, signer: `key ${key.id}` });
    expect(calls).toEqual(['sig', 'referrers', 'cosign']);
  });

  it('a bundle passes where the cosign signature is for another image', async () => {
    const { session } = fakeRegistry({
      sig: { digest: referrer(9), signatures: [signed(referrer(7))] },
      bundles: bundles([referrer(1), 'ok:me']),
    });
    expect(await both().check(session, ref, digest, signal)).toMatchObject({
      ok: true,
      signer: 'me (issuer https://issuer.example)',
    });
  });

  it('refused by both: both reasons; neither present: one "not signed"', async () => {
    const refused = fakeRegistry({
      sig: { digest: referrer(9), signatures: [signed(referrer(7))] },
      bundles: bundles([referrer(1), 'wrong signer']),
    });
    expect(await both().check(refused.session, ref, digest, signal)).toMatchObject({
      ok: false,
      reason: `its signature is for ${referrer(7)}, not for this image; wrong signer`,
    });
    const bare = fakeRegistry({ bundles: new Map() });
    expect(await both().check(bare.session, ref, digest, signal)).toMatchObject({
      ok: false,
      reason: 'not signed: it has no cosign signature and no Sigstore bundle',
    });
  });

  it('the kept verdict moves with the .sig tag as well as with the referrers', async () => {
    const held: Held = { bundles: bundles([referrer(1), 'wrong signer']) };
    const { session, calls } = fakeRegistry(held);
    const g = both();
    expect(await g.check(session, ref, digest, signal)).toMatchObject({ ok: false, fresh: true });
    expect(await g.check(session, ref, digest, signal)).toMatchObject({ ok: false, fresh: false });
    held.sig = { digest: referrer(9), signatures: [signed(digest)] };
    calls.length = 0;
    expect(await g.check(session, ref, digest, signal)).toMatchObject({ ok: true, signer: `key ${key.id}` });
    expect(calls).toEqual(['sig', 'referrers', 'cosign']);
  });
});

describe('the gate on the real bundle and trusted root (test/fixtures/sigstore)', () => {
  const identity = (subject: string): string => `issuer=${ISSUER},subject=${subject}`;
  const held = (): Held => ({ bundles: new Map([[referrer(1), dsse]]) });

  it('passes the bundle signed by a trusted identity, naming subject and issuer', async () => {
    const check = await loadSigstoreCheck(PRODUCTION, [
      identity('^https://github.com/sigstore-conformance/'),
    ]);
    const { session } = fakeRegistry(held());
    expect(await gate({ keys: [], sigstore: check }).check(session, ref, digest, signal)).toEqual({
      ok: true,
      signer: `${SIGNER} (issuer ${ISSUER})`,
    });
  });

  it('refuses it for another identity, and for another digest', async () => {
    const mine = await loadSigstoreCheck(PRODUCTION, [identity('^https://github.com/my-org/')]);
    const { session } = fakeRegistry(held());
    expect(await gate({ keys: [], sigstore: mine }).check(session, ref, digest, signal)).toMatchObject({
      ok: false,
      reason: `signed by ${SIGNER} (issuer ${ISSUER}), not by an identity in --signature-identity`,
    });
    const theirs = await loadSigstoreCheck(PRODUCTION, [
      identity('^https://github.com/sigstore-conformance/'),
    ]);
    const other = sha256('another image');
    expect(await gate({ keys: [], sigstore: theirs }).check(session, ref, other, signal)).toMatchObject({
      ok: false,
      reason: `its Sigstore bundle is for ${digest}, not for this image`,
    });
  });
});

describe('loading the trust (start-up)', () => {
  const settings = {
    requireSignature: false,
    signatureKeys: [] as string[],
    signatureIdentities: [] as string[],
  };
  const failure = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(TidewatchError);
      return (error as Error).message;
    }
    throw new Error('expected a failure');
  };

  it('is undefined with nothing configured, and an error when signatures are required of nobody', async () => {
    expect(await loadSignatureTrust(settings)).toBeUndefined();
    expect(await failure(loadSignatureTrust({ ...settings, requireSignature: true }))).toBe(
      '--require-signature needs --signature-key or --signature-identity: trusting nobody, no new image could deploy',
    );
  });

  it('needs a trusted root with identities, and identities with a trusted root', async () => {
    const identities = [`issuer=${ISSUER},subject=^x`];
    expect(await failure(loadSignatureTrust({ ...settings, signatureIdentities: identities }))).toMatch(
      /^--signature-identity needs --signature-trusted-root/,
    );
    expect(await failure(loadSignatureTrust({ ...settings, signatureTrustedRoot: PRODUCTION }))).toMatch(
      /^--signature-trusted-root needs --signature-identity/,
    );
    const trust = await loadSignatureTrust({
      ...settings,
      signatureIdentities: identities,
      signatureTrustedRoot: PRODUCTION,
    });
    expect(trust?.keys).toEqual([]);
    expect(trust?.sigstore).toBeDefined();
  });

  it('names the file and the cause of a bad trusted root, and the entry of a bad identity, in one line', async () => {
    const missing = await failure(
      loadSignatureTrust({
        ...settings,
        signatureIdentities: [`issuer=${ISSUER},subject=^x`],
        signatureTrustedRoot: '/nonexistent/trusted_root.json',
      }),
    );
    expect(missing).toMatch(/^--signature-trusted-root \/nonexistent\/trusted_root\.json: ENOENT/);
    expect(missing).not.toContain('\n');
    const bad = await failure(
      loadSignatureTrust({
        ...settings,
        signatureIdentities: ['subject=^x'],
        signatureTrustedRoot: PRODUCTION,
      }),
    );
    expect(bad).toBe('--signature-identity "subject=^x": expected issuer=<URL>,subject=<pattern>');
  });
});
