import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import type { GitopsSourceSetting } from '../config/index.js';
import { TidewatchError, describeError } from '../domain/errors.js';
import { makeDirs } from '../domain/dirs.js';

/** One commit of a source: its id and its message's first line. */
export interface Commit {
  readonly id: string;
  readonly message: string;
}

/**
 * An http(s) URL's user part, moved out of the URL: git would keep the URL, password and all, in
 * .git/config. Sent as the same Basic header git would send.
 */
export function splitCredentials(url: string): { url: string; basic?: string } {
  const match = /^(https?:\/\/)([^/@]*)@(.*)$/i.exec(url);
  if (!match) return { url };
  const [, scheme = '', userinfo = '', rest = ''] = match;
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const colon = userinfo.indexOf(':');
  const user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? '' : decode(userinfo.slice(colon + 1));
  return { url: `${scheme}${rest}`, basic: Buffer.from(`${user}:${password}`).toString('base64') };
}

/**
 * A source's working copy, through the git CLI (simple-git), so ssh, https and file URLs work as
 * `git` itself does. Credentials never land in .git/config: an ssh key goes through
 * GIT_SSH_COMMAND, a password (password-file, or one written in the URL) through a per-command
 * `http.extraHeader`.
 */
export class Checkout {
  private readonly dir: string;
  private readonly remote: { url: string; basic?: string };

  constructor(
    private readonly source: GitopsSourceSetting,
    root: string,
  ) {
    this.dir = join(root, source.name);
    this.remote = splitCredentials(source.url);
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
    } else if (this.remote.basic !== undefined) {
      config.push(`http.extraHeader=Authorization: Basic ${this.remote.basic}`);
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
        makeDirs(this.dir);
        const parent = await this.git();
        await parent.clone(this.remote.url, this.dir, ['--no-checkout', '--branch', this.source.branch]);
      }
      const git = await this.git(this.dir);
      // A checkout cloned before credentials were moved out of URLs holds them in .git/config.
      await git.remote(['set-url', 'origin', this.remote.url]);
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
