import { describe, expect, it } from 'vitest';
import { updateAuthor } from '../../src/domain/update-author.js';

describe('who an update is by, for people', () => {
  it('names the actor, and every approver in vote order', () => {
    expect(updateAuthor({ actor: 'schedule', trigger: 'schedule', approvedBy: [] })).toBe('schedule');
    expect(updateAuthor({ actor: 'oidc:bob', trigger: 'api', approvedBy: ['oidc:bob'] })).toBe(
      'oidc:bob, approved by oidc:bob',
    );
    expect(
      updateAuthor({ actor: 'schedule', trigger: 'schedule', approvedBy: ['alice', 'bob', 'carol'] }),
    ).toBe('schedule, approved by alice, bob and carol');
  });

  it('falls back to the trigger for rows from before actors were recorded', () => {
    expect(updateAuthor({ actor: null, trigger: 'webhook:github', approvedBy: [] })).toBe('webhook:github');
  });
});
