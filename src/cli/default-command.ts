/**
 * Watchtower is started as `watchtower --interval 30` or `watchtower nginx redis` (no subcommand),
 * and compose files carry such `command:` lines; so flags or container names without a subcommand
 * mean `run`, as in Watchtower. Its short flags (-i, -s, -R, ...) are declared with the options
 * (`shortFlag` in src/config/options), so `run` itself takes them.
 */

/** Flags that belong to the program itself, not to `run`: `tidewatch --help` stays the overview. */
const PROGRAM_FLAGS = new Set(['-h', '--help', '-V', '--version']);

/**
 * The argv to parse: unchanged when a subcommand (or nothing) comes first; otherwise `run`
 * inserted before the flags and names. `commands` are the program's subcommands (and `help`).
 */
export function withDefaultCommand(argv: readonly string[], commands: ReadonlySet<string>): string[] {
  const [node = 'node', script = 'tidewatch', first, ...rest] = argv;
  if (first === undefined || PROGRAM_FLAGS.has(first) || commands.has(first)) return [...argv];
  return [node, script, 'run', first, ...rest];
}
