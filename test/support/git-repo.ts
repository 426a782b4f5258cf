import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { LAB_LABEL, RUN_ID } from '../lab/index.js';

const run = promisify(execFile);

/** git in a test's own repository, with an identity of its own; its output, trimmed. */
export async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    ['-c', 'user.name=Tidewatch Test', '-c', 'user.email=test@localhost', ...args],
    { cwd: dir },
  );
  return stdout.trim();
}

/**
 * A new git repository at `repo` whose first commit ("first deploy") holds `composeFile` (a path
 * inside it): one service, `web`, on `image`, labelled as the lab's so cleanup finds it.
 */
export async function composeRepo(repo: string, composeFile: string, image: string): Promise<void> {
  mkdirSync(dirname(composeFile), { recursive: true });
  await git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(
    composeFile,
    `services:\n  web:\n    image: ${image}\n    stop_grace_period: 1s\n    labels:\n      ${LAB_LABEL}: "${RUN_ID}"\n`,
  );
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'first deploy');
}
