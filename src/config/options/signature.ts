import { z } from 'zod';
import { option } from './spec.js';

/** The signature gate (docs/security.md): only images signed by a trusted key deploy. */
export const SIGNATURE_OPTIONS = [
  option({
    key: 'requireSignature',
    flag: 'require-signature',
    env: ['TIDEWATCH_REQUIRE_SIGNATURE'],
    kind: 'boolean',
    description:
      'Deploy a new image only when it carries a cosign signature by one of --signature-key (every container; the label tidewatch.verify.signature=true asks it of one)',
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
] as const;
