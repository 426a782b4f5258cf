import { execFile } from 'node:child_process';
import { z } from 'zod';
import { TidewatchError } from '../domain/errors.js';
import type { Credentials } from './types.js';

// https://github.com/docker/docker-credential-helpers: `get` reads a server URL on stdin and
// prints {ServerURL, Username, Secret}.
// Some helpers (ecr-login's cache, gcloud) also print ExpiresAt; it bounds how long the answer is kept.
const HelperOutput = z.object({
  Username: z.string().default(''),
  Secret: z.string().default(''),
  ExpiresAt: z.string().optional(),
});
type HelperOutput = z.infer<typeof HelperOutput>;

const HELPER_TIMEOUT_MS = 10_000;
// What docker-credential-helpers prints (credentials.ErrCredentialsNotFound) when it has nothing.
const NOT_FOUND = /credentials not found/i;
// The username helpers return when Secret is an identity (refresh) token rather than a password.
const TOKEN_USERNAME = '<token>';

/** `found` with credentials, `not-found` when the helper has none, `missing` when it is not installed. */
export type HelperResult =
  | { readonly kind: 'found'; readonly credentials: Credentials; readonly expiresAt?: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'missing' };

/** Runs `docker-credential-<name> get` for one server URL. */
export async function runCredentialHelper(
  name: string,
  serverUrl: string,
  signal?: AbortSignal,
): Promise<HelperResult> {
  const program = `docker-credential-${name}`;
  // The name comes from a config file: it may only pick a helper on PATH, never a path.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new TidewatchError('credential-helper-failed', `invalid credential helper name "${name}"`);
  }
  const outcome = await execHelper(program, serverUrl, signal);
  if (outcome.error !== undefined) {
    const error = outcome.error as NodeJS.ErrnoException & { killed?: boolean };
    if (signal?.aborted === true) throw signal.reason;
    if (error.code === 'ENOENT') return { kind: 'missing' };
    if (NOT_FOUND.test(outcome.stdout) || NOT_FOUND.test(outcome.stderr)) return { kind: 'not-found' };
    const why =
      error.killed === true
        ? `timed out after ${HELPER_TIMEOUT_MS / 1000} s`
        : firstLine(outcome.stderr || error.message);
    throw new TidewatchError('credential-helper-failed', `${program} get ${serverUrl} failed: ${why}`, {
      cause: error,
    });
  }
  let output: HelperOutput;
  try {
    output = HelperOutput.parse(JSON.parse(outcome.stdout));
  } catch (error) {
    // The output holds a secret: it is never quoted in the message.
    throw new TidewatchError('credential-helper-failed', `${program} get ${serverUrl} printed invalid JSON`, {
      cause: error,
    });
  }
  if (output.Secret === '') return { kind: 'not-found' };
  const expiry = output.ExpiresAt === undefined ? {} : { expiresAt: output.ExpiresAt };
  if (output.Username === TOKEN_USERNAME || output.Username === '') {
    return { kind: 'found', credentials: { identityToken: output.Secret }, ...expiry };
  }
  return { kind: 'found', credentials: { username: output.Username, password: output.Secret }, ...expiry };
}

interface ExecOutcome {
  readonly error: Error | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

function execHelper(program: string, input: string, signal?: AbortSignal): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    const child = execFile(
      program,
      ['get'],
      { timeout: HELPER_TIMEOUT_MS, signal, maxBuffer: 1024 * 1024, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => resolve({ error: error ?? undefined, stdout, stderr }),
    );
    // A helper that exits without reading stdin makes the write fail with EPIPE; its exit says more.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
