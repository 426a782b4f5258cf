import type { Settings } from '../config/index.js';
import { OidcSignIn } from './oidc-sign-in.js';

/** OIDC sign-in from the --oidc-* options; undefined without --oidc-issuer. */
export function oidcSignInOf(settings: Settings): OidcSignIn | undefined {
  const { oidcIssuer: issuer, oidcClientId: clientId } = settings;
  // checkOidc (config/settings.ts) refused an issuer without a client id at start-up.
  if (issuer === undefined || clientId === undefined) return undefined;
  return new OidcSignIn({
    issuer,
    clientId,
    clientSecret: settings.oidcClientSecret,
    redirectUrl: settings.oidcRedirectUrl,
    allowedSubjects: settings.oidcAllowedSubjects,
    allowedGroups: settings.oidcAllowedGroups,
    role: settings.oidcRole,
    nameClaim: settings.oidcNameClaim,
  });
}
