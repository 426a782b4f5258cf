import type { Command } from 'commander';
import type { AnyOption } from '../config/index.js';
import { systemClock } from '../domain/clock.js';
import { API_ROLES, ApiRole, withApiTokens } from '../store/index.js';
import type { CommandMaker } from './bundle-program.js';
import { formatTable } from './format.js';
import { jsonOutput } from './json-times.js';

export interface TokenArgs {
  readonly action: 'create' | 'list' | 'revoke';
  readonly name?: string | undefined;
  readonly role?: string | undefined;
  readonly json: boolean;
}

type Write = (text: string) => void;

/** A token's name: what history and the log will call whoever holds it. */
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** `token create|list|revoke` (docs/security.md): named API tokens on the store, next to `run`. */
export function tokenCommand(file: string, args: TokenArgs, write: Write, writeError: Write): number {
  if (args.action === 'list') {
    const tokens = withApiTokens(file, systemClock, (store) => store.list());
    if (args.json) write(jsonOutput(tokens));
    else if (tokens.length === 0) write('no API tokens\n');
    else
      write(
        formatTable([
          ['NAME', 'ROLE', 'CREATED', 'REVOKED'],
          ...tokens.map((t) => [
            t.name,
            t.role,
            iso(t.createdAt),
            t.revokedAt === null ? '-' : iso(t.revokedAt),
          ]),
        ]),
      );
    return 0;
  }
  const name = args.name ?? '';
  if (!TOKEN_NAME.test(name)) {
    writeError(
      `tidewatch: token name ${JSON.stringify(name)}: letters, digits and . _ @ - (at most 64, not starting with a sign)\n`,
    );
    return 2;
  }
  if (args.action === 'create') {
    const role = ApiRole.safeParse(args.role);
    if (!role.success) {
      writeError(`tidewatch: --role ${JSON.stringify(args.role ?? '')}: one of ${API_ROLES.join(', ')}\n`);
      return 2;
    }
    const token = withApiTokens(file, systemClock, (store) => store.create(name, role.data));
    // The token alone on stdout, so `$(tidewatch token create NAME --role viewer)` captures it; shown once.
    write(`${token}\n`);
    return 0;
  }
  if (!withApiTokens(file, systemClock, (store) => store.revoke(name))) {
    writeError(`tidewatch: ${name} has no live token\n`);
    return 1;
  }
  write(`revoked the token of ${name}: refused from its next request\n`);
  return 0;
}

/** Registers `token create|list|revoke`. */
export function tokenCommands(
  program: Command,
  command: CommandMaker,
  run: (sub: Command, args: TokenArgs) => Promise<void>,
  storeOptions: readonly AnyOption[],
): void {
  const token = program.command('token').description('Named API tokens with roles (see docs/security.md)');
  command('create', 'Create (or replace) the token NAME with a role; prints it once', storeOptions, token)
    .argument('<name>', 'who holds it: history and the log name it')
    .requiredOption('--role <role>', `${API_ROLES.join(', ')}`)
    .action((name: string, o: { role: string }, sub: Command) =>
      run(sub, { action: 'create', name, role: o.role, json: false }),
    );
  command('list', 'List tokens with their roles (never the tokens)', storeOptions, token)
    .option('--json', 'print one JSON array')
    .action((o: { json?: boolean }, sub: Command) => run(sub, { action: 'list', json: o.json === true }));
  command('revoke', 'Revoke the token NAME: refused from its next request', storeOptions, token)
    .argument('<name>', 'the token')
    .action((name: string, _o: unknown, sub: Command) => run(sub, { action: 'revoke', name, json: false }));
}

const iso = (at: number): string => new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
