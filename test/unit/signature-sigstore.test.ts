import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  parseSigstoreIdentity,
  readTrustedRoot,
  verifySigstoreBundle,
  type SigstoreIdentity,
  type SigstoreVerdict,
} from '../../src/signature/sigstore.js';

const fixture = (name: string): string => new URL(`../fixtures/sigstore/${name}`, import.meta.url).pathname;
const sha256 = (bytes: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Real bundles and trusted roots (test/fixtures/sigstore/SOURCE.md). */
const dsseBundle = readFileSync(fixture('intoto-dsse.sigstore'), 'utf8');
const messageBundle = readFileSync(fixture('message-signature.sigstore'), 'utf8');
const production = await readTrustedRoot(fixture('trusted_root.production.json'));
const staging = await readTrustedRoot(fixture('trusted_root.staging.json'));
/** Stands for the image manifest: the in-toto subject and the message digest are its sha256. */
const manifest = readFileSync(fixture('a.txt'));
const digest = sha256(manifest);

const ISSUER = 'https://token.actions.githubusercontent.com';
const SIGNER =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const trusted = parseSigstoreIdentity(
  `issuer=${ISSUER},subject=^https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/`,
);

/** The bundle with one field changed, as an attacker or a broken registry might hand it over. */
function edited(json: string, change: (bundle: BundleShape) => void): string {
  const bundle = JSON.parse(json) as BundleShape;
  change(bundle);
  return JSON.stringify(bundle);
}

interface BundleShape {
  dsseEnvelope?: { payload: string; signatures: { sig: string }[] };
  messageSignature?: { signature: string };
}

/** The reason of a refusal; undefined for a pass, so a pass fails every match on it. */
function reasonOf(verdict: SigstoreVerdict): string | undefined {
  return verdict.ok ? undefined : verdict.reason;
}

/** Flips one byte in the middle of a base64 value: still well-formed, no longer the same. */
function flipped(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('keyless Sigstore bundles, verified with @sigstore/verify against real fixtures', () => {
  it('verifies a DSSE in-toto bundle whose subject is the digest, naming the signer', () => {
    expect(digest).toBe('sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf');
    expect(verifySigstoreBundle(dsseBundle, digest, production, [trusted])).toEqual({
      ok: true,
      identity: { issuer: ISSUER, subject: SIGNER },
    });
  });

  it('verifies a message-signature bundle (Rekor v2, TSA timestamp) over the manifest bytes', () => {
    expect(verifySigstoreBundle(messageBundle, digest, staging, [trusted], manifest)).toEqual({
      ok: true,
      identity: { issuer: ISSUER, subject: SIGNER },
    });
  });

  it('accepts the bundle as bytes or as parsed JSON too, and any one of several identities', () => {
    const other = parseSigstoreIdentity('issuer=https://accounts.google.com,subject=^someone@example\\.com$');
    const asBytes = Buffer.from(dsseBundle);
    expect(verifySigstoreBundle(asBytes, digest, production, [other, trusted]).ok).toBe(true);
    expect(verifySigstoreBundle(JSON.parse(dsseBundle), digest, production, [trusted]).ok).toBe(true);
  });

  it('refuses another issuer', () => {
    const identity = parseSigstoreIdentity(`issuer=https://accounts.google.com,subject=.*`);
    expect(verifySigstoreBundle(dsseBundle, digest, production, [identity])).toEqual({
      ok: false,
      reason: `signed by ${SIGNER} (issuer ${ISSUER}), not by an identity in --signature-identity`,
    });
  });

  it('refuses another subject pattern, and matches the issuer exactly, not as a prefix', () => {
    const otherRepo = parseSigstoreIdentity(`issuer=${ISSUER},subject=^https://github.com/my-org/my-repo/`);
    const issuerPrefix: SigstoreIdentity = { issuer: 'https://token.actions', subject: /.*/ };
    for (const identity of [otherRepo, issuerPrefix]) {
      const verdict = verifySigstoreBundle(dsseBundle, digest, production, [identity]);
      expect(reasonOf(verdict)).toContain('not by an identity');
    }
    expect(verifySigstoreBundle(messageBundle, digest, staging, [otherRepo], manifest).ok).toBe(false);
  });

  it('refuses a DSSE bundle for another digest, naming the digest it is for', () => {
    const other = sha256('another image');
    expect(verifySigstoreBundle(dsseBundle, other, production, [trusted])).toEqual({
      ok: false,
      reason: `its Sigstore bundle is for ${digest}, not for this image`,
    });
  });

  it('refuses a message signature over other bytes, and a manifest that is not the digest', () => {
    const otherManifest = Buffer.from('{"schemaVersion":2}');
    const verdict = verifySigstoreBundle(
      messageBundle,
      sha256(otherManifest),
      staging,
      [trusted],
      otherManifest,
    );
    expect(reasonOf(verdict)).toMatch(/^its Sigstore bundle does not verify: /);
    expect(verifySigstoreBundle(messageBundle, sha256('x'), staging, [trusted], manifest)).toEqual({
      ok: false,
      reason: 'the manifest read does not match the image digest',
    });
    expect(verifySigstoreBundle(messageBundle, digest, staging, [trusted])).toEqual({
      ok: false,
      reason: 'its Sigstore bundle signs the manifest bytes, which were not read',
    });
  });

  it('refuses a tampered signature', () => {
    const dsse = edited(dsseBundle, (bundle) => {
      const signature = bundle.dsseEnvelope?.signatures[0];
      if (signature !== undefined) signature.sig = flipped(signature.sig);
    });
    const message = edited(messageBundle, (bundle) => {
      if (bundle.messageSignature)
        bundle.messageSignature.signature = flipped(bundle.messageSignature.signature);
    });
    for (const verdict of [
      verifySigstoreBundle(dsse, digest, production, [trusted]),
      verifySigstoreBundle(message, digest, staging, [trusted], manifest),
    ])
      expect(reasonOf(verdict)).toMatch(/^its Sigstore bundle does not verify: /);
  });

  it('refuses a statement rewritten to name another image (the signature no longer covers it)', () => {
    const other = sha256('another image');
    const rewritten = edited(dsseBundle, (bundle) => {
      if (bundle.dsseEnvelope === undefined) return;
      const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8');
      const swapped = statement.replace(digest.slice('sha256:'.length), other.slice('sha256:'.length));
      bundle.dsseEnvelope.payload = Buffer.from(swapped).toString('base64');
    });
    expect(reasonOf(verifySigstoreBundle(rewritten, other, production, [trusted]))).toMatch(
      /^its Sigstore bundle does not verify: /,
    );
  });

  it('refuses a bundle under another trusted root', () => {
    // The certificate was issued by production Fulcio, which the staging root does not trust.
    expect(verifySigstoreBundle(dsseBundle, digest, staging, [trusted])).toEqual({
      ok: false,
      reason: 'its Sigstore bundle does not verify: Failed to verify certificate chain',
    });
    expect(verifySigstoreBundle(messageBundle, digest, production, [trusted], manifest).ok).toBe(false);
  });

  it('refuses a verified DSSE bundle whose payload is not an in-toto statement naming the image', () => {
    // Real and valid (it verifies, signer and all), but its payload is `hello, world!` as text/plain.
    const textBundle = readFileSync(fixture('dsse-text-plain.sigstore'), 'utf8');
    const itsSigner = parseSigstoreIdentity(
      'issuer=https://github.com/login/oauth,subject=^brian@dehamer\\.com$',
    );
    expect(verifySigstoreBundle(textBundle, digest, production, [itsSigner])).toEqual({
      ok: false,
      reason: 'its Sigstore bundle is for a text/plain payload, not for this image',
    });
  });

  it('refuses what is not a bundle, with a one-line reason', () => {
    for (const input of [
      'not json',
      '{}',
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }),
    ]) {
      const verdict = verifySigstoreBundle(input, digest, production, [trusted]);
      expect(reasonOf(verdict)).toMatch(/^not a Sigstore bundle: [^\n]+$/);
    }
  });
});

describe('identity policies (--signature-identity)', () => {
  it('parses issuer and subject in either order, keeping commas in the pattern', () => {
    const identity = parseSigstoreIdentity(
      'subject=^https://github.com/org/[a-z]{1,3}/,issuer=https://issuer.example',
    );
    expect(identity.issuer).toBe('https://issuer.example');
    expect(identity.subject.source).toBe('^https:\\/\\/github.com\\/org\\/[a-z]{1,3}\\/');
    expect(identity.subject.test('https://github.com/org/abc/.github/workflows/x.yml@refs/heads/main')).toBe(
      true,
    );
  });

  it.each([
    ['subject=^x', 'expected issuer=<URL>,subject=<pattern>'],
    ['issuer=https://a.example', 'expected issuer=<URL>,subject=<pattern>'],
    ['issuer=not a url,subject=^x', 'the issuer "not a url" is not a URL'],
    ['issuer=https://a.example,subject=', 'the subject pattern is empty; it would match any signer'],
    [
      'issuer=https://a.example,subject=^(unclosed',
      'the subject is not a valid pattern: Invalid regular expression: /^(unclosed/: Unterminated group',
    ],
  ])('refuses %j with one line naming the option and the cause', (text, cause) => {
    expect(() => parseSigstoreIdentity(text)).toThrow(`--signature-identity "${text}": ${cause}`);
    try {
      parseSigstoreIdentity(text);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('trusted roots (--signature-trusted-root)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidewatch-sigstore-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it.each([
    [
      'missing.json',
      undefined,
      /^--signature-trusted-root .*missing\.json: ENOENT: no such file or directory/,
    ],
    ['broken.json', '{"mediaType":', /^--signature-trusted-root .*broken\.json: .*JSON/],
    [
      'bundle.json',
      messageBundle,
      /^--signature-trusted-root .*bundle\.json: not a Sigstore trusted root \(its mediaType/,
    ],
    [
      'empty.json',
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [] }),
      /^--signature-trusted-root .*empty\.json: it names no certificate authority$/,
    ],
  ])('refuses %s with one line naming the flag and the file', async (name, text, message) => {
    const file = text === undefined ? join(dir, name) : write(name, text);
    let thrown: unknown;
    try {
      await readTrustedRoot(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('\n');
  });
});
