import { TidewatchError } from '../domain/errors.js';

/** Who may sign: the OIDC issuer exactly, and a pattern the certificate's subject (SAN) must match. */
export interface SigstoreIdentity {
  readonly issuer: string;
  readonly subject: RegExp;
}

export const IDENTITY_FLAG = '--signature-identity';

/**
 * `issuer=<URL>,subject=<pattern>` (either order). The issuer cannot hold a comma, so the pattern
 * may: `{1,3}` stays whole. As cosign's --certificate-identity-regexp, the pattern matches
 * anywhere in the subject; anchor it with `^...$`. Kept apart from sigstore.ts so that start-up can
 * check identities without loading the Sigstore packages.
 */
export function parseSigstoreIdentity(text: string, option = IDENTITY_FLAG): SigstoreIdentity {
  const fail = (cause: string, error?: unknown): never => {
    throw new TidewatchError('invalid-config', `${option} "${text}": ${cause}`, { cause: error });
  };
  const trimmed = text.trim();
  const parts =
    /^issuer=(?<issuer>[^,]*),subject=(?<subject>.*)$/s.exec(trimmed) ??
    /^subject=(?<subject>.*),issuer=(?<issuer>[^,]*)$/s.exec(trimmed);
  if (parts === null) return fail('expected issuer=<URL>,subject=<pattern>');
  const issuer = parts.groups?.issuer?.trim() ?? '';
  const subject = parts.groups?.subject ?? '';
  if (!URL.canParse(issuer)) return fail(`the issuer "${issuer}" is not a URL`);
  if (subject === '') return fail('the subject pattern is empty; it would match any signer');
  try {
    return { issuer, subject: new RegExp(subject) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(`the subject is not a valid pattern: ${message.split('\n')[0] ?? message}`, error);
  }
}
