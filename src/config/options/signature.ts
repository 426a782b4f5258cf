import { z } from 'zod';
import { option } from './spec.js';

/** The signature gate (docs/security.md): only images signed by a trusted key or identity deploy. */
export const SIGNATURE_OPTIONS = [
  option({
    key: 'requireSignature',
    flag: 'require-signature',
    env: ['TIDEWATCH_REQUIRE_SIGNATURE'],
    kind: 'boolean',
    description:
      'Deploy a new image only when it carries a cosign signature by one of --signature-key or a Sigstore bundle by one of --signature-identity (every container; the label tidewatch.verify.signature=true asks it of one)',
    field: 'requireSignature',
    schema: z.boolean(),
    default: false,
  }),
  option({
    key: 'signatureKey',
    flag: 'signature-key',
    env: ['TIDEWATCH_SIGNATURE_KEY'],
    kind: 'list',
    valueName: 'files',
    description:
      'PEM public keys (cosign.pub from `cosign generate-key-pair`; comma or space separated) whose signatures let an image deploy where a signature is required',
    field: 'signatureKeys',
    schema: z.array(z.string()),
    default: [],
  }),
  option({
    key: 'signatureTrustedRoot',
    flag: 'signature-trusted-root',
    env: ['TIDEWATCH_SIGNATURE_TRUSTED_ROOT'],
    kind: 'string',
    valueName: 'file',
    description:
      "Sigstore trusted_root.json (`cosign trusted-root create`, or Sigstore's TUF repository) that keyless signatures are verified against, offline; read at start",
    field: 'signatureTrustedRoot',
    schema: z.string().optional(),
  }),
  option({
    key: 'signatureIdentities',
    flag: 'signature-identity',
    env: ['TIDEWATCH_SIGNATURE_IDENTITY'],
    kind: 'list',
    valueName: 'identity',
    // A subject pattern may hold commas and spaces: entries are separated by newlines only.
    split: 'lines',
    description:
      'A keyless signer whose Sigstore bundles (OCI referrers) let an image deploy where a signature is required: issuer=<URL>,subject=<pattern>, the pattern matched against the certificate subject; repeatable, or one per line',
    field: 'signatureIdentities',
    schema: z.array(z.string()),
    default: [],
  }),
] as const;
