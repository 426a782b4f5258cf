import { z } from 'zod';
import { option } from './spec.js';

/** Roles as in store/api-tokens.ts; repeated here so config/ does not reach into the store. */
const ROLES = ['viewer', 'operator', 'admin'] as const;

/**
 * The issuer must be https, except on loopback: an ID token's keys and the code exchange travel
 * over that connection, and plain http is only safe where nothing but this machine can listen.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const issuerUrl = z
  .url({ protocol: /^https?$/, error: 'expected an https:// URL (http:// only on loopback)' })
  .refine((text) => {
    const url = new URL(text);
    return url.protocol === 'https:' || LOOPBACK.has(url.hostname);
  }, 'the issuer must be https:// (http:// only on localhost, 127.0.0.1 or [::1])');

/** Dashboard sign-in with OpenID Connect (docs/security.md, "OIDC set-up"). */
export const OIDC_OPTIONS = [
  option({
    key: 'oidcIssuer',
    flag: 'oidc-issuer',
    env: ['TIDEWATCH_OIDC_ISSUER'],
    kind: 'string',
    valueName: 'url',
    description:
      'OpenID Connect issuer for dashboard sign-in (its /.well-known/openid-configuration is read at the first sign-in); needs --oidc-client-id and --oidc-allowed-subjects or --oidc-allowed-groups',
    field: 'oidcIssuer',
    schema: issuerUrl.optional(),
  }),
  option({
    key: 'oidcClientId',
    flag: 'oidc-client-id',
    env: ['TIDEWATCH_OIDC_CLIENT_ID'],
    kind: 'string',
    valueName: 'id',
    description: "Tidewatch's client id at the OIDC provider",
    field: 'oidcClientId',
    schema: z.string().min(1).optional(),
  }),
  option({
    key: 'oidcClientSecret',
    flag: 'oidc-client-secret',
    env: ['TIDEWATCH_OIDC_CLIENT_SECRET'],
    kind: 'string',
    valueName: 'secret',
    description:
      'The client secret (prefer TIDEWATCH_OIDC_CLIENT_SECRET_FILE); without one Tidewatch is a public client and relies on PKCE alone',
    field: 'oidcClientSecret',
    schema: z.string().min(1).optional(),
    secret: true,
  }),
  option({
    key: 'oidcRedirectUrl',
    flag: 'oidc-redirect-url',
    env: ['TIDEWATCH_OIDC_REDIRECT_URL'],
    kind: 'string',
    valueName: 'url',
    description:
      'The public URL of /auth/oidc/callback, as registered at the provider (set it behind a reverse proxy)',
    field: 'oidcRedirectUrl',
    schema: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
    defaultText: "the request's own address",
  }),
  option({
    key: 'oidcAllowedSubjects',
    flag: 'oidc-allowed-subjects',
    env: ['TIDEWATCH_OIDC_ALLOWED_SUBJECTS'],
    kind: 'list',
    valueName: 'subs',
    description: 'Who may sign in: these `sub` claims (comma or space separated)',
    field: 'oidcAllowedSubjects',
    schema: z.array(z.string().min(1)),
    default: [],
  }),
  option({
    key: 'oidcAllowedGroups',
    flag: 'oidc-allowed-groups',
    env: ['TIDEWATCH_OIDC_ALLOWED_GROUPS'],
    kind: 'list',
    valueName: 'groups',
    description: "Who may sign in: members of any of these groups (the ID token's `groups` claim)",
    field: 'oidcAllowedGroups',
    schema: z.array(z.string().min(1)),
    default: [],
  }),
  option({
    key: 'oidcRole',
    flag: 'oidc-role',
    env: ['TIDEWATCH_OIDC_ROLE'],
    kind: 'string',
    valueName: 'role',
    description:
      'What people signed in with OIDC may do: viewer, operator or admin (as a named token of that role)',
    field: 'oidcRole',
    schema: z.enum(ROLES),
    default: 'operator',
  }),
  option({
    key: 'oidcNameClaim',
    flag: 'oidc-name-claim',
    env: ['TIDEWATCH_OIDC_NAME_CLAIM'],
    kind: 'string',
    valueName: 'claim',
    description:
      'The ID token claim that names a person in history and votes, as oidc:<value> (`sub` when the token lacks it); pick one people cannot change themselves',
    field: 'oidcNameClaim',
    schema: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a claim name'),
    default: 'preferred_username',
  }),
] as const;
