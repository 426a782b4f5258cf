/**
 * Image signatures (docs/security.md): cosign's key-based signatures and keyless Sigstore bundles,
 * read from the registry and checked before a new digest may deploy. sigstore.ts is not exported:
 * it is imported on demand (sigstore-check.ts), so that its packages load only when used.
 */
export { readSignatureKeys, signatureKeyId, type SignatureKey } from './keys.js';
export { verifyCosign, type CosignSignature, type CosignVerdict } from './cosign.js';
export { SignatureGate, type SignatureTrust, type SignatureVerdict } from './gate.js';
export type { SigstoreCheck } from './bundles.js';
export { loadSignatureTrust, type TrustSettings } from './trust.js';
