import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApplyOutcome } from '../../src/bundle/apply.js';
import { Inbox } from '../../src/bundle/inbox.js';
import { silentLogger } from '../../src/log/index.js';
import { eventually } from '../support/images.js';

/** The inbox's file handling with a stand-in for applying (the real apply: test/integration/bundle.test.ts). */
describe('bundle inbox', () => {
  let inbox: Inbox | undefined;
  let dir = '';
  afterEach(async () => {
    await inbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(outcome: (file: string) => ApplyOutcome, settleMs = 150): string[] {
    dir = mkdtempSync(join(tmpdir(), 'tidewatch-inbox-'));
    const seen: string[] = [];
    inbox = new Inbox({
      dir,
      logger: silentLogger(),
      pollMs: 50,
      settleMs,
      apply: (file) => {
        seen.push(file.slice(dir.length + 1));
        return Promise.resolve(outcome(file));
      },
    });
    inbox.start();
    return seen;
  }
  const applied: ApplyOutcome = { state: 'applied', manifest: {} as never, refs: [], updated: [] };

  it('ignores dot names until renamed, takes files oldest first, and moves them by outcome', async () => {
    const seen = start((file) =>
      file.endsWith('bad.twb') ? { state: 'rejected', reason: 'it is not a readable tar file (x)' } : applied,
    );
    writeFileSync(join(dir, '.new.twb.part'), 'partial');
    writeFileSync(join(dir, 'b.twb'), 'b');
    writeFileSync(join(dir, 'a-bad.twb'), 'a');
    utimesSync(join(dir, 'b.twb'), new Date(1000), new Date(1000)); // older than a-bad
    await eventually(
      () => seen.length,
      (n) => n === 2,
      5000,
    );
    expect(seen).toEqual(['b.twb', 'a-bad.twb']);
    // Seen means applied; the file moves once the outcome is back, a moment later.
    await eventually(
      () => existsSync(join(dir, 'rejected', 'a-bad.twb.reason')),
      (moved) => moved,
      5000,
    );
    expect(readdirSync(join(dir, 'applied'))).toEqual(['b.twb']);
    expect(readFileSync(join(dir, 'rejected', 'a-bad.twb.reason'), 'utf8')).toBe(
      'it is not a readable tar file (x)\n',
    );
    expect(readdirSync(dir).sort()).toEqual(['.new.twb.part', 'applied', 'rejected']);

    renameSync(join(dir, '.new.twb.part'), join(dir, 'b.twb')); // the same name again
    await eventually(
      () => seen.length,
      (n) => n === 3,
      5000,
    );
    await eventually(
      () => existsSync(join(dir, 'applied', 'b.twb.2')),
      (moved) => moved,
      5000,
    );
    expect(readdirSync(join(dir, 'applied')).sort()).toEqual(['b.twb', 'b.twb.2']);
  });

  it('waits while a file still grows', async () => {
    // Writes 40 ms apart against a 2 s settle time: even a loaded machine (the full suite runs
    // beside this) does not stall long enough between two writes to make the file look finished.
    const seen = start(() => applied, 2000);
    const file = join(dir, 'slow.twb');
    writeFileSync(file, 'x');
    for (let i = 0; i < 5; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      writeFileSync(file, 'x'.repeat(i + 2));
      expect(seen).toEqual([]);
    }
    await eventually(
      () => existsSync(join(dir, 'applied', 'slow.twb')),
      (done) => done,
      5000,
    );
    expect(seen).toEqual(['slow.twb']);
  });
});
