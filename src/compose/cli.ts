import { execFile } from 'node:child_process';
import { TidewatchError } from '../domain/errors.js';

/** Which compose CLI runs a project: `docker compose` (v2) when the plugin answers, else `docker-compose` (v1). */
export interface ComposeCli {
  readonly command: string;
  /** Arguments before compose's own (`['compose']` for v2). */
  readonly prefix: readonly string[];
  readonly version: 'v1' | 'v2';
}

/** The project a compose command works on: `-p PROJECT -f FILE...`, from its working dir. */
export interface ComposeProject {
  readonly project: string;
  readonly files: readonly string[];
  readonly workingDir: string | undefined;
  /** `--env-file`: variables kept outside the project folder (gitops env dirs). */
  readonly envFile?: string | undefined;
}

export interface ComposeRunOptions {
  /** DOCKER_HOST for the CLI: the engine Tidewatch talks to. */
  readonly dockerHost?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
}

export interface ComposeResult {
  readonly stdout: string;
  readonly stderr: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

function exec(
  command: string,
  args: readonly string[],
  options: ComposeRunOptions & { readonly cwd?: string | undefined },
): Promise<ComposeResult> {
  const env = { ...process.env, ...(options.dockerHost ? { DOCKER_HOST: options.dockerHost } : {}) };
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      {
        env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = lastLine(stderr) || error.message;
          reject(
            new TidewatchError('compose-failed', `${command} ${args.join(' ')}: ${detail}`, { cause: error }),
          );
        } else resolve({ stdout, stderr });
      },
    );
  });
}

/** compose's own error is the last non-empty line of stderr (after the progress lines). */
function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.at(-1) ?? '';
}

let detected: Promise<ComposeCli> | undefined;

/**
 * Finds the compose CLI once per process: v2's plugin first, then v1. The limit only guards against
 * a hang: Python's docker-compose took over 10 s just to print its version on a busy 2-core host.
 */
const DETECT_TIMEOUT_MS = 60_000;

/** The compose CLI (see DETECT_TIMEOUT_MS). */
export function detectComposeCli(options: ComposeRunOptions = {}): Promise<ComposeCli> {
  detected ??= exec('docker', ['compose', 'version'], { ...options, timeoutMs: DETECT_TIMEOUT_MS }).then(
    (): ComposeCli => ({ command: 'docker', prefix: ['compose'], version: 'v2' }),
    () =>
      exec('docker-compose', ['version'], { ...options, timeoutMs: DETECT_TIMEOUT_MS }).then(
        (): ComposeCli => ({ command: 'docker-compose', prefix: [], version: 'v1' }),
        (error: unknown) => {
          detected = undefined;
          throw new TidewatchError(
            'compose-missing',
            'no compose CLI: neither "docker compose" nor "docker-compose" runs',
            {
              cause: error,
            },
          );
        },
      ),
  );
  return detected;
}

/** Runs `compose -p PROJECT -f FILE... ARGS` in the project's working dir. */
export async function runCompose(
  project: ComposeProject,
  args: readonly string[],
  options: ComposeRunOptions = {},
): Promise<ComposeResult> {
  const cli = await detectComposeCli(options);
  const files = project.files.flatMap((file) => ['-f', file]);
  const envFile = project.envFile !== undefined ? ['--env-file', project.envFile] : [];
  return exec(cli.command, [...cli.prefix, '-p', project.project, ...files, ...envFile, ...args], {
    ...options,
    cwd: project.workingDir,
  });
}
