export { RegistryClient } from './client.js';
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
} from './types.js';
