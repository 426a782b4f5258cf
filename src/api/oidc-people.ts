import type { ApiRole } from '../store/index.js';
import type { SessionPerson } from './sessions.js';

/** Who may sign in with OIDC, and as what (the --oidc-* options). */
export interface OidcRules {
  readonly allowedSubjects: readonly string[];
  readonly allowedGroups: readonly string[];
  readonly role: ApiRole;
  /** The claim that names the person (`preferred_username` by default); `sub` when absent. */
  readonly nameClaim: string;
}

export type OidcVerdict =
  { readonly ok: true; readonly person: SessionPerson } | { readonly ok: false; readonly reason: string };

/** The prefix of every OIDC person's name: a provider's user can never pass for a named token. */
export const OIDC_NAME_PREFIX = 'oidc:';

/** A claim's groups: a list of strings, or one string (some providers send a single group so). */
function groupsOf(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === 'string');
  return [];
}

/**
 * Whether the holder of these validated ID token claims may sign in, and who they are then. Only
 * the allow-lists let anyone in: a subject listed, or a member of a listed group.
 */
export function oidcPersonOf(claims: Readonly<Record<string, unknown>>, rules: OidcRules): OidcVerdict {
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub === '') return { ok: false, reason: 'the ID token has no subject' };
  const groups = groupsOf(claims['groups']);
  const allowed =
    rules.allowedSubjects.includes(sub) || groups.some((group) => rules.allowedGroups.includes(group));
  if (!allowed) return { ok: false, reason: `${sub} is not among the allowed subjects or groups` };
  const named = claims[rules.nameClaim];
  const name = typeof named === 'string' && named.trim() !== '' ? named.trim() : sub;
  return { ok: true, person: { name: `${OIDC_NAME_PREFIX}${name}`, role: rules.role } };
}
