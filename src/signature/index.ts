/**
 * Image signatures (docs/security.md): cosign's key-based signatures, read from the registry and
 * checked before a new digest may deploy.
 */
export { readSignatureKeys, signatureKeyId, type SignatureKey } from './keys.js';
export { verifyCosign, type CosignSignature, type CosignVerdict } from './cosign.js';
export { SignatureGate, type SignatureVerdict } from './gate.js';
