import { byCodePoint } from '../domain/index.js';
import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../domain/errors.js';
import { writeWholeFile } from '../domain/whole-file.js';
import type { Logger } from '../log/index.js';
import type { ApplyOutcome } from './apply.js';
import { makeDirs } from '../domain/dirs.js';

export interface InboxOptions {
  readonly dir: string;
  readonly logger: Logger;
  /** Applies one file (in turn with the daemon's runs). */
  readonly apply: (file: string) => Promise<ApplyOutcome>;
  /** How often the directory is looked at besides the file system's own notices. */
  readonly pollMs?: number;
  /** How long a file's size must hold still before it is taken (default 1 s). */
  readonly settleMs?: number;
}

/**
 * --inbox DIR: every regular file dropped into DIR is applied once its size held still for a
 * second (a USB copy in progress is not read half-way; rsync and `cp x .x.part && mv` write under a
 * dot name, which is ignored until renamed). Files are taken oldest first; each then moves to
 * DIR/applied, or to DIR/rejected with NAME.reason beside it.
 */
export class Inbox {
  /** Each file's size and since when it has had it. */
  private readonly sizes = new Map<string, { size: number; since: number }>();
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private working: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: InboxOptions) {
    for (const sub of ['', 'applied', 'rejected']) makeDirs(join(options.dir, sub));
  }

  start(): void {
    const poll = this.options.pollMs ?? 1000;
    this.timer = setInterval(() => this.look(), poll);
    try {
      this.watcher = watch(this.options.dir, () => this.look());
      this.watcher.on('error', () => undefined);
    } catch {
      // Some file systems (network mounts) cannot be watched: the poll alone finds the files.
    }
    this.look();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.watcher?.close();
    await this.working;
  }

  private look(): void {
    this.working = this.working
      .then(() => this.scan())
      .catch((error: unknown) => {
        this.options.logger.error(
          { inbox: this.options.dir, reason: describeError(error) },
          'inbox scan failed',
        );
      });
  }

  private async scan(): Promise<void> {
    if (this.stopped) return;
    const ready: { file: string; mtime: number }[] = [];
    for (const name of readdirSync(this.options.dir)) {
      if (name.startsWith('.') || name.endsWith('.partial')) continue;
      const file = join(this.options.dir, name);
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile()) continue;
      // Ready when its size held still for settleMs: nothing is being written to it.
      const known = this.sizes.get(file);
      const now = Date.now();
      if (known?.size !== stat.size) this.sizes.set(file, { size: stat.size, since: now });
      else if (now - known.since >= (this.options.settleMs ?? 1000))
        ready.push({ file, mtime: stat.mtimeMs });
    }
    ready.sort((a, b) => a.mtime - b.mtime || byCodePoint(a.file, b.file));
    for (const { file } of ready) {
      if (this.stopped) return;
      this.sizes.delete(file);
      const outcome = await this.options.apply(file);
      const name = file.slice(this.options.dir.length + 1);
      if (outcome.state === 'applied') {
        await rename(file, freeName(join(this.options.dir, 'applied'), name));
      } else {
        const target = freeName(join(this.options.dir, 'rejected'), name);
        await rename(file, target);
        // Whole or not at all: whoever reads the reason as soon as it appears (a person, a script,
        // a test) never reads it half written.
        await writeWholeFile(`${target}.reason`, `${outcome.reason}\n`);
      }
    }
  }
}

/** `dir/name`, or `dir/name.2`, `.3`… when a file of that name was processed before. */
function freeName(dir: string, name: string): string {
  let candidate = join(dir, name);
  for (let n = 2; existsSync(candidate); n += 1) candidate = join(dir, `${name}.${n}`);
  return candidate;
}
