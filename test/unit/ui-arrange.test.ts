import { describe, expect, it } from 'vitest';
import { arrange, rowState } from '../../src/ui/arrange.js';
import {
  forgetQuestion,
  rejectQuestion,
  rollbackQuestion,
  updateAllQuestion,
  updateQuestion,
} from '../../src/ui/questions.js';
import type { Approval, ContainerRow } from '../../src/ui/types.js';

const D = (char: string): string => `sha256:${char.repeat(64)}`;

function row(name: string, fields: Partial<ContainerRow> = {}): ContainerRow {
  return {
    name,
    id: `id-${name}`,
    state: 'running',
    image: `app/${name}:1.0`,
    tag: '1.0',
    status: 'current',
    currentDigest: D('a'),
    latestDigest: D('a'),
    reason: null,
    checkedAt: 1,
    policy: 'digest',
    updateKind: null,
    latestTag: null,
    waitingFor: null,
    releaseLinks: null,
    lastUpdate: null,
    heldBack: null,
    project: null,
    copies: [],
    ...fields,
  };
}

const update = (
  startedAt: number,
  state: 'committed' | 'verifying' = 'committed',
): ContainerRow['lastUpdate'] => ({
  id: startedAt,
  state,
  trigger: 'api',
  fromDigest: D('a'),
  toDigest: D('b'),
  reason: null,
  startedAt,
  finishedAt: state === 'committed' ? startedAt + 1 : null,
});

const names = (rows: readonly ContainerRow[]): string[] => rows.map((r) => r.name);

describe("the containers list's sorting and grouping", () => {
  const rows = [
    row('web', { project: 'shop', lastUpdate: update(20) }),
    row('db', { project: 'shop', status: 'update-available', latestDigest: D('b') }),
    row('cache', {
      status: 'update-available',
      heldBack: { digest: D('c'), reason: 'exited', rolledBackAt: 5 },
    }),
    row('api', { project: 'api', lastUpdate: update(30, 'verifying') }),
    row('cron', { status: 'skipped' }),
  ];

  it('says what state a row is in, an update in flight and a held-back digest first', () => {
    expect(rows.map(rowState)).toEqual([
      'up to date',
      'update available',
      'held back',
      'updating',
      'skipped',
    ]);
  });

  it('groups by project, those of none last, each sorted', () => {
    expect(arrange(rows, 'name', 'project').map((group) => [group.title, names(group.rows)])).toEqual([
      ['api', ['api']],
      ['shop', ['db', 'web']],
      ['no project', ['cache', 'cron']],
    ]);
  });

  it('groups by state in the order a person acts on them', () => {
    expect(arrange(rows, 'name', 'state').map((group) => group.title)).toEqual([
      'updating',
      'held back',
      'update available',
      'up to date',
      'skipped',
    ]);
  });

  it('sorts by name, by state, and by last update (never updated last)', () => {
    const [plain] = arrange(rows, 'name', 'none');
    expect(plain?.title).toBeUndefined();
    expect(names(plain?.rows ?? [])).toEqual(['api', 'cache', 'cron', 'db', 'web']);
    expect(names(arrange(rows, 'state', 'none')[0]?.rows ?? [])).toEqual([
      'api',
      'cache',
      'db',
      'web',
      'cron',
    ]);
    expect(names(arrange(rows, 'updated', 'none')[0]?.rows ?? [])).toEqual([
      'api',
      'web',
      'cache',
      'cron',
      'db',
    ]);
  });
});

describe('what the dashboard asks before acting names the container and the digests', () => {
  const web = row('web', { status: 'update-available', latestDigest: D('b'), latestTag: null });

  it('update: the running and the new digest; with no check yet, says so', () => {
    expect(updateQuestion(web)).toMatchObject({
      title: 'Update web?',
      facts: [
        ['Container', 'web'],
        ['Image', 'app/web:1.0'],
        ['Running', '1.0 (aaaaaaaaaaaa)'],
        ['New', 'bbbbbbbbbbbb'],
      ],
      confirm: 'Update',
    });
    expect(updateQuestion(row('db')).facts.at(-1)).toEqual(['New', 'whatever the check now finds']);
  });

  it('apply all: one line per container, the count on the button', () => {
    const question = updateAllQuestion([web, row('db', { latestTag: '1.1', latestDigest: D('c') })]);
    expect(question.facts).toEqual([
      ['web', '1.0 (aaaaaaaaaaaa) → bbbbbbbbbbbb'],
      ['db', '1.0 (aaaaaaaaaaaa) → 1.1 (cccccccccccc)'],
    ]);
    expect(question.confirm).toBe('Apply 2 updates');
  });

  it('roll back, forget and reject are marked dangerous and name what they act on', () => {
    expect(rollbackQuestion(web, D('9')).facts.at(-1)).toEqual(['Back to', '999999999999']);
    const held = row('cache', {
      heldBack: { digest: D('c'), reason: 'exited with code 3', rolledBackAt: 0 },
    });
    const forget = forgetQuestion(held);
    expect(forget.facts[1]).toEqual(['Digest', 'cccccccccccc']);
    expect(forget.facts[2]?.[1]).toContain('exited with code 3');
    const approval = {
      containerName: 'web',
      image: 'app/web:1.0',
      fromDigest: D('a'),
      fromTag: '1.0',
      toDigest: D('d'),
      toTag: null,
    } as Approval;
    expect(rejectQuestion(approval).facts.at(-1)).toEqual(['Rejected', 'dddddddddddd']);
    for (const question of [rollbackQuestion(web, null), forget, rejectQuestion(approval)])
      expect(question.danger).toBe(true);
  });
});
