import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAndPush, labDocker, runContainer, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { jsonLogLines, onTerminal } from '../support/terminal.js';
import { runCli } from '../support/tidewatch.js';

// Big enough that the engine reports the layer's download in steps (it does for a few MB).
const PAYLOAD_BYTES = 8 * 1024 * 1024;
const CLEAR_LINE = '\u001b[2K';

describe('once on a terminal', () => {
  const lab = useLab();
  const dataDir = mkdtempSync(join(tmpdir(), 'tidewatch-once-tty-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a line per container as it goes, the pull with its bytes, and a summary; logs only off a terminal', async () => {
    const good = uniqueName('once-tty-good');
    const bad = uniqueName('once-tty-bad');
    const goodRef = `${lab.registry.host}/${good}:1`;
    const badRef = `${lab.registry.host}/${bad}:1`;
    await buildAndPush(goodRef);
    await buildAndPush(badRef);
    await runContainer(good, goodRef);
    await runContainer(bad, badRef);
    // The good one's new image brings a payload to download; the bad one's exits at once, so its
    // verification fails and it is rolled back.
    const moved = await publishUpdate(goodRef, { payload: { seed: good, bytes: PAYLOAD_BYTES } });
    await publishUpdate(badRef, { cmd: ['false'] });

    // Without the terminal's clear-line (EL) before each redraw of the pulling line.
    const output = (await onTerminal(['once', good, bad], { TIDEWATCH_DATA_DIR: dataDir }))
      .split(CLEAR_LINE)
      .join('');
    const lines = output.split('\n');
    expect(lines, output).toContain(`checking ${good}, ${bad}`);
    expect(output).toMatch(new RegExp(`^${good}: update available: sha256:[0-9a-f]{12}$`, 'm'));
    // Redrawn in place as it grows (the first count at once, then at most ten times a second: how
    // many show depends on the pull's speed); the terminal's output keeps each state.
    const progress = lines.filter((line) => line.startsWith(`${good}: pulling `));
    expect(
      progress.some((line) => / {2}\d+(\.\d)? [kM]?B of \d+(\.\d)? [kM]?B$/.test(line)),
      output,
    ).toBe(true);
    expect(output).toMatch(new RegExp(`^${good}: pulled \\S+@sha256:[0-9a-f]{12}  8\\.\\d MB$`, 'm'));
    expect(lines).toContain(`${good}: verifying`);
    expect(lines).toContain(`${good}: committed (${moved.digest.slice(0, 'sha256:'.length + 12)})`);
    expect(lines).toContain(`${bad}: verifying`);
    expect(output).toMatch(new RegExp(`^${bad}: rolled back: .+$`, 'm'));
    // In the order things happen: checks, then each update from its pull to its outcome.
    const at = (text: string): number => lines.findIndex((line) => line.startsWith(text));
    expect(at(`${good}: pulled`)).toBeGreaterThan(at(`${good}: update available`));
    expect(at(`${good}: verifying`)).toBeGreaterThan(at(`${good}: pulled`));
    expect(at(`${good}: committed`)).toBeGreaterThan(at(`${good}: verifying`));
    expect(output).toMatch(/^done in \d+\.\d s: 2 checked, 1 updated, 1 rolled back, 1 failed$/m);
    // On a terminal the lines replace the log below warn (the rollback's warnings stay).
    const levels = new Set(jsonLogLines(output).map((line) => (JSON.parse(line) as { level: string }).level));
    expect(
      [...levels].filter((level) => level !== 'warn' && level !== 'error'),
      output,
    ).toEqual([]);
    expect((await labDocker().getContainer(good).inspect()).Image).toBe(moved.imageId);

    // Off a terminal: nothing on stdout, the log on stderr as before.
    const piped = await runCli(['once', good], { TIDEWATCH_DATA_DIR: dataDir });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe('');
    expect(piped.stderr).toContain('"msg":"done"');
  }, 240_000);
});
