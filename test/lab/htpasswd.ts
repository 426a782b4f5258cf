import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

// The registry's htpasswd backend accepts bcrypt only. A low cost keeps every authenticated
// request (a pull makes several) fast; these are throwaway test passwords.
const COST = '05';
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BCRYPT_HASH = /^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}$/;

function bcryptSalt(): string {
  const bytes = randomBytes(22);
  let salt = '';
  for (let i = 0; i < 21; i += 1) salt += BCRYPT_ALPHABET[(bytes[i] ?? 0) % 64];
  // The 22nd character carries only 2 significant bits; these four are its canonical forms.
  salt += '.Oeu'[(bytes[21] ?? 0) % 4];
  return `$2b$${COST}$${salt}`;
}

/** Runs a command, feeding `input` on stdin; resolves its stdout, or undefined when it fails. */
function capture(
  command: string,
  args: string[],
  input: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', () => resolve(undefined)); // e.g. ENOENT: not installed
    child.on('close', (code) => resolve(code === 0 ? stdout.trim() : undefined));
    child.stdin.on('error', () => undefined); // perl ignores stdin and may exit first: EPIPE
    child.stdin.end(input);
  });
}

/**
 * One `user:bcrypt-hash` line. Perl's crypt() comes first: perl-base is essential on Debian and
 * its libcrypt (libxcrypt) implements bcrypt, so no extra package is needed. `htpasswd -B`
 * (apache2-utils) is the fallback. Passwords travel through stdin/env, never argv.
 */
export async function htpasswdLine(username: string, password: string): Promise<string> {
  if (username.includes(':')) throw new Error(`htpasswd user names cannot contain ':': ${username}`);
  const perl = await capture('perl', ['-e', 'print crypt($ENV{TW_PASSWORD}, $ENV{TW_SALT})'], '', {
    ...process.env,
    TW_PASSWORD: password,
    TW_SALT: bcryptSalt(),
  });
  if (perl !== undefined && BCRYPT_HASH.test(perl)) return `${username}:${perl}`;
  const apache = await capture('htpasswd', ['-niB', '-C', COST, username], password, process.env);
  const hash = apache?.split(':').slice(1).join(':');
  if (hash !== undefined && BCRYPT_HASH.test(hash)) return `${username}:${hash}`;
  throw new Error('cannot create a bcrypt hash for htpasswd: install perl-base or apache2-utils (htpasswd)');
}
