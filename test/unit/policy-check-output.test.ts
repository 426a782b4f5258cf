import { describe, expect, it } from 'vitest';
import { checkJson, checkTable } from '../../src/cli/check-output.js';
import type { CycleEntry } from '../../src/updater/index.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

const entry = (extra: Partial<CycleEntry>): CycleEntry => ({
  name: 'web',
  id: 'c0ffee',
  image: 'registry.local/web:1.0.0',
  status: 'update-available',
  currentDigest: `sha256:${'a'.repeat(64)}`,
  latestDigest: DIGEST,
  policy: 'minor',
  currentTag: '1.0.0',
  latestTag: '1.1.2',
  ...extra,
});

describe('check output for policies', () => {
  it('--json says why an update waits, with ISO times', () => {
    const waiting = entry({
      reason: 'cooldown: ...',
      waitingFor: {
        kind: 'cooldown',
        since: Date.parse('2026-01-02T12:00:00Z'),
        until: Date.parse('2026-01-05T12:00:00Z'),
        from: 'seen',
        minAgeMs: 3 * 86_400_000,
      },
    });
    const approval = entry({
      name: 'api',
      waitingFor: {
        kind: 'approval',
        state: 'pending',
        approvalId: 7,
        votes: 1,
        required: 2,
        deadline: Date.parse('2026-01-09T00:00:00Z'),
      },
    });
    expect(JSON.parse(checkJson([waiting, approval]))).toEqual([
      expect.objectContaining({
        policy: 'minor',
        currentTag: '1.0.0',
        latestTag: '1.1.2',
        waitingFor: {
          kind: 'cooldown',
          since: '2026-01-02T12:00:00.000Z',
          until: '2026-01-05T12:00:00.000Z',
          from: 'seen',
          minAgeMs: 259_200_000,
        },
      }),
      expect.objectContaining({
        waitingFor: {
          kind: 'approval',
          state: 'pending',
          approvalId: 7,
          votes: 1,
          required: 2,
          deadline: '2026-01-09T00:00:00.000Z',
        },
      }),
    ]);
  });

  it('says how big an available update is, in the JSON and the table', () => {
    const entries = [
      entry({}),
      entry({ name: 'db', currentTag: '2025-08-05', latestTag: '2025-09-01' }),
      entry({ name: 'py', currentTag: '3.13.0rc1', latestTag: '3.13.0rc2' }),
      entry({ name: 'same', currentTag: 'latest', latestTag: undefined }),
      entry({ name: 'ok', status: 'current', latestTag: undefined }),
    ];
    const kinds = (JSON.parse(checkJson(entries)) as { updateKind: string | null }[]).map(
      (e) => e.updateKind,
    );
    expect(kinds).toEqual(['minor', 'date', 'prerelease', 'digest', null]);
    const table = checkTable(entries);
    expect(table).toContain('update-available (minor)');
    expect(table).toContain('update-available (date)');
    expect(table).not.toContain('current (');
  });

  it('the table shows the new tag in front of its digest, and the reason', () => {
    const table = checkTable([entry({ reason: 'waiting for approval 7: 1 of 2 votes' })]);
    expect(table).toContain('1.1.2@sha256:bbbbbbbbbbbb');
    expect(table).toContain('waiting for approval 7: 1 of 2 votes');
  });
});

describe('check table: release notes', () => {
  it('lists, under the table, the compare view else the release page else the source', () => {
    const table = checkTable([
      entry({
        name: 'web',
        releaseLinks: {
          source: 'https://github.com/o/web',
          release: 'https://github.com/o/web/releases/tag/v1.1.2',
          compare: 'https://github.com/o/web/compare/aaa...bbb',
        },
      }),
      entry({
        name: 'api',
        releaseLinks: {
          source: 'https://gitlab.com/o/api',
          release: 'https://gitlab.com/o/api/-/releases/v2',
        },
      }),
      entry({ name: 'db', releaseLinks: undefined }),
    ]);
    const notes = table.slice(table.indexOf('Release notes:'));
    expect(notes.split('\n')).toEqual([
      'Release notes:',
      expect.stringMatching(/^ {2}web +https:\/\/github\.com\/o\/web\/compare\/aaa\.\.\.bbb$/),
      expect.stringMatching(/^ {2}api +https:\/\/gitlab\.com\/o\/api\/-\/releases\/v2$/),
    ]);
  });

  it('says nothing of release notes when no container has links', () => {
    expect(checkTable([entry({ releaseLinks: undefined })])).not.toContain('Release notes');
  });
});
