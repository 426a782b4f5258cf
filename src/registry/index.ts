export { RegistryClient } from './client.js';
export type { HubRoutes } from './endpoints.js';
export {
  ANY_REGISTRY,
  formatUntil,
  type RegistryLimit,
  type RegistryWait,
  type RegistryWaitCause,
} from './budget.js';
export { createCredentialStore, type CredentialStoreOptions } from './credentials.js';
export type {
  CredentialStore,
  Credentials,
  RegistryClientOptions,
  RegistryErrorCode,
  RegistrySession,
  RequestInfo,
  RequestKind,
  Resolution,
  TagListing,
  CreatedLookup,
  TagDigest,
  SignatureDigest,
  SignatureRead,
  StoredSignature,
  SigstoreBundleRead,
  SigstoreReferrer,
  SigstoreReferrerList,
} from './types.js';
export { signatureTag } from './cosign-signatures.js';
export { describeRef } from './decide.js';
export { observeRegistryRequests } from './http.js';
export { pullCredentialsFor, type PullCredentials } from './pull-auth.js';
export { RegistryTransfer } from './transfer.js';
