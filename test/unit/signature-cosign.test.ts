import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSignatureKeys, verifyCosign, type CosignSignature } from '../../src/signature/index.js';

const fixture = (name: string): string => new URL(`../fixtures/cosign/${name}`, import.meta.url).pathname;

/** containers/image's on-disk form of a cosign signature: `\0sigstore-json\n` and a JSON object. */
function readStored(name: string): CosignSignature {
  const text = readFileSync(fixture(name), 'utf8').replace(/^\0sigstore-json\n/, '');
  const parsed = JSON.parse(text) as { payload: string; annotations: Record<string, string> };
  return {
    payload: Buffer.from(parsed.payload, 'base64'),
    signature: parsed.annotations['dev.cosignproject.cosign/signature'] ?? '',
  };
}

const signedDigest = `sha256:${createHash('sha256')
  .update(readFileSync(fixture('dir-img-cosign-valid.manifest.json')))
  .digest('hex')}`;

describe('cosign key-based signatures, made by the real cosign (test/fixtures/cosign/SOURCE.md)', () => {
  const cosignKey = readSignatureKeys([fixture('cosign.pub')]);
  const otherKey = readSignatureKeys([fixture('cosign2.pub')]);
  const valid = readStored('dir-img-cosign-valid.signature-1');

  it('verifies with the key that signed it, for the digest of the signed manifest', () => {
    expect(signedDigest).toBe('sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00');
    expect(verifyCosign([valid], signedDigest, cosignKey)).toEqual({ ok: true, keyId: cosignKey[0]?.id });
  });

  it('refuses it under another key', () => {
    expect(verifyCosign([valid], signedDigest, otherKey)).toEqual({
      ok: false,
      reason: 'not signed by a trusted key (1 signature, none by --signature-key)',
    });
  });

  it('refuses it for any other digest: the payload names the image it vouches for', () => {
    const other = `sha256:${'1'.repeat(64)}`;
    expect(verifyCosign([valid], other, cosignKey)).toEqual({
      ok: false,
      reason: `its signature is for ${signedDigest}, not for this image`,
    });
  });

  it('refuses the same payload signed by an unknown key, and a payload changed by one byte', () => {
    expect(verifyCosign([readStored('unknown-cosign-key.signature')], signedDigest, cosignKey).ok).toBe(
      false,
    );
    const tampered = Buffer.from(valid.payload);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 2) ^ 1, tampered.length - 2);
    expect(verifyCosign([{ ...valid, payload: tampered }], signedDigest, cosignKey).ok).toBe(false);
  });

  it('accepts when any one of several signatures is good, with any one of several keys', () => {
    const unknown = readStored('unknown-cosign-key.signature');
    const keys = [...otherKey, ...cosignKey];
    expect(verifyCosign([unknown, valid], signedDigest, keys)).toMatchObject({ ok: true });
  });

  it('says an image without signatures is not signed', () => {
    expect(verifyCosign([], signedDigest, cosignKey)).toEqual({
      ok: false,
      reason: 'not signed: it has no cosign signature',
    });
  });
});

describe('--signature-key files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-sigkeys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every PEM public key in a file, and the same key has the same id in any file', () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const both = join(dir, 'both.pub');
    writeFileSync(both, `${readFileSync(fixture('cosign.pub'), 'utf8')}\n${ed}`);
    const keys = readSignatureKeys([both]);
    expect(keys.map((key) => key.id.split(':')[0])).toEqual(['ec', 'ed25519']);
    expect(keys[0]?.id).toBe(readSignatureKeys([fixture('cosign.pub')])[0]?.id);
  });

  it('verifies an Ed25519 signature as cosign makes one (no pre-hash)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const file = join(dir, 'ed.pub');
    writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
    const payload = Buffer.from(
      JSON.stringify({
        critical: {
          identity: { 'docker-reference': 'example/app' },
          image: { 'docker-manifest-digest': signedDigest },
          type: 'cosign container image signature',
        },
        optional: null,
      }),
    );
    const signature = sign(null, payload, privateKey).toString('base64');
    expect(verifyCosign([{ payload, signature }], signedDigest, readSignatureKeys([file])).ok).toBe(true);
  });

  it('says in one line which file is wrong and why', () => {
    const junk = join(dir, 'junk.pub');
    writeFileSync(junk, 'hello');
    expect(() => readSignatureKeys([junk])).toThrow(`--signature-key ${junk}: no PEM public key in it`);
    expect(() => readSignatureKeys([join(dir, 'missing.pub')])).toThrow(
      /^--signature-key .*missing\.pub: ENOENT/,
    );
  });
});
