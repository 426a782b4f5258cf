import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import type { GitopsSourceSetting } from '../config/index.js';
import { TidewatchError, describeError } from '../domain/errors.js';

/** One commit of a source: its id and its message's first line. */
export interface Commit {
  readonly id: string;
  readonly message: string;
}

/**
 * A source's working copy, through the git CLI (simple-git), so ssh, https and file URLs work as
 * `git` itself does. Credentials never land in .git/config: an ssh key goes through
 * GIT_SSH_COMMAND, a password through a per-command `http.extraHeader`.
 */
export class Checkout {
  private readonly dir: string;

  constructor(
    private readonly source: GitopsSourceSetting,
    root: string,
  ) {
    this.dir = join(root, source.name);
  }

  /** The folder the source's files are checked out in. */
  get path(): string {
    return this.dir;
  }

  /** simple-git is loaded on first use: most hosts configure no GitOps source. */
  private async git(baseDir?: string): Promise<SimpleGit> {
    const { simpleGit } = await import('simple-git');
    const config: string[] = [];
    if (this.source.username !== undefined && this.source.passwordFile !== undefined) {
      const password = readFileSync(this.source.passwordFile, 'utf8').trim();
      const basic = Buffer.from(`${this.source.username}:${password}`).toString('base64');
      config.push(`http.extraHeader=Authorization: Basic ${basic}`);
    }
    const git = simpleGit({ ...(baseDir !== undefined ? { baseDir } : {}), config });
    const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
    for (const key of ['PATH', 'HOME']) if (process.env[key] !== undefined) env[key] = process.env[key] ?? '';
    if (this.source.sshKey !== undefined) {
      env.GIT_SSH_COMMAND = `ssh -i '${this.source.sshKey}' -o IdentitiesOnly=yes -o BatchMode=yes`;
    }
    return git.env(env);
  }

  /** Clones once, then fetches the branch; resolves to the commit the branch points at now. */
  async fetch(): Promise<Commit> {
    try {
      if (!existsSync(join(this.dir, '.git'))) {
        mkdirSync(this.dir, { recursive: true });
        const parent = await this.git();
        await parent.clone(this.source.url, this.dir, ['--no-checkout', '--branch', this.source.branch]);
      }
      const git = await this.git(this.dir);
      await git.fetch('origin', this.source.branch);
      const id = (await git.revparse(['FETCH_HEAD'])).trim();
      return { id, message: await this.message(id) };
    } catch (error) {
      throw new TidewatchError(
        'gitops-fetch',
        `gitops source ${this.source.name}: could not fetch ${this.source.branch}: ${describeError(error)}`,
        { cause: error },
      );
    }
  }

  /** Puts the working tree at `commit` exactly (files of other commits are removed). */
  async checkout(commit: string): Promise<void> {
    const git = await this.git(this.dir);
    await git.checkout(['--force', '--detach', commit]);
    await git.clean('fd');
  }

  private async message(id: string): Promise<string> {
    const git = await this.git(this.dir);
    const text = await git.raw(['log', '-1', '--format=%s', id]);
    return text.trim();
  }
}
