import { describe, expect, it } from 'vitest';
import { oidcPersonOf, type OidcRules } from '../../src/api/oidc-people.js';
import { authenticate } from '../../src/api/auth.js';
import { Sessions } from '../../src/api/sessions.js';

const rules: OidcRules = {
  allowedSubjects: ['s-alice'],
  allowedGroups: ['ops'],
  role: 'operator',
  nameClaim: 'preferred_username',
};

describe('oidcPersonOf: who an ID token lets in, and as whom', () => {
  it.each([
    ['a listed subject', { sub: 's-alice', preferred_username: 'alice' }, 'oidc:alice'],
    [
      'a member of a listed group',
      { sub: 's-bob', groups: ['dev', 'ops'], preferred_username: 'bob' },
      'oidc:bob',
    ],
    ['a group sent as one string', { sub: 's-bob', groups: 'ops' }, 'oidc:s-bob'],
    ['no name claim: the subject names them', { sub: 's-alice' }, 'oidc:s-alice'],
    ['a blank name claim: the subject', { sub: 's-alice', preferred_username: '  ' }, 'oidc:s-alice'],
  ])('%s', (_case, claims, name) => {
    expect(oidcPersonOf(claims, rules)).toEqual({ ok: true, person: { name, role: 'operator' } });
  });

  it.each([
    ['anyone else', { sub: 's-mallory', groups: ['dev'] }],
    ['no subject', { preferred_username: 'alice', groups: ['ops'] }],
    ['groups that are not strings', { sub: 's-mallory', groups: [{ name: 'ops' }] }],
  ])('refuses %s', (_case, claims) => {
    expect(oidcPersonOf(claims, rules).ok).toBe(false);
  });

  it('names by the configured claim', () => {
    const verdict = oidcPersonOf(
      { sub: 's-alice', email: 'a@example.com' },
      { ...rules, nameClaim: 'email' },
    );
    expect(verdict).toMatchObject({ person: { name: 'oidc:a@example.com' } });
  });
});

describe('a session carries its person and role', () => {
  const settings = { token: 'admin-token', metricsPublic: false };

  it('a viewer session reads but cannot change; an operator session changes as itself', () => {
    const sessions = new Sessions();
    const viewer = sessions.valid(sessions.create({ name: 'victor', role: 'viewer' }).id);
    const operator = sessions.valid(sessions.create({ name: 'oidc:alice', role: 'operator' }).id);
    expect(authenticate('read', settings, undefined, { person: viewer, csrfHeader: false })).toEqual({
      denial: undefined,
      holder: 'victor',
    });
    expect(
      authenticate('mutate', settings, undefined, { person: viewer, csrfHeader: true }).denial?.code,
    ).toBe('forbidden');
    expect(authenticate('mutate', settings, undefined, { person: operator, csrfHeader: true })).toEqual({
      denial: undefined,
      holder: 'oidc:alice',
    });
    expect(
      authenticate('mutate', settings, undefined, { person: operator, csrfHeader: false }).denial?.code,
    ).toBe('csrf-required');
  });

  it('expires and revokes', () => {
    let now = 0;
    const sessions = new Sessions(() => now);
    const { id, maxAgeSeconds } = sessions.create({ role: 'admin' });
    expect(sessions.valid(id)).toEqual({ role: 'admin' });
    now = maxAgeSeconds * 1000;
    expect(sessions.valid(id)).toBeUndefined();
    const other = sessions.create({ role: 'admin' }).id;
    sessions.revoke(other);
    expect(sessions.valid(other)).toBeUndefined();
  });

  it('OIDC alone guards the API: without a session, reads are refused', () => {
    expect(authenticate('read', { metricsPublic: false, oidc: true }, undefined).denial?.code).toBe(
      'unauthorized',
    );
  });
});
