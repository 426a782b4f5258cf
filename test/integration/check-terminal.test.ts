import { describe, expect, it } from 'vitest';
import { buildAndPush, runContainer, uniqueName } from '../lab/index.js';
import { publishUpdate } from '../support/images.js';
import { useLab } from '../support/lab.js';
import { jsonLogLines, onTerminal } from '../support/terminal.js';

describe('check on a terminal', () => {
  const lab = useLab();

  it('prints the table only; --log-level brings the log back', async () => {
    const image = `${lab.registry.host}/${uniqueName('tty')}:latest`;
    await buildAndPush(image, { env: ['VERSION=1'] });
    const name = uniqueName('tty');
    await runContainer(name, image);
    await publishUpdate(image, { env: ['VERSION=2'] });

    const quiet = await onTerminal(['check', name]);
    expect(quiet).toMatch(new RegExp(`${name}\\s.*update-available`));
    expect(jsonLogLines(quiet), quiet).toEqual([]);

    const verbose = await onTerminal(['check', '--log-level', 'info', name]);
    expect(verbose).toMatch(new RegExp(`${name}\\s.*update-available`));
    expect(jsonLogLines(verbose).length, verbose).toBeGreaterThan(0);
  }, 180_000);
});
