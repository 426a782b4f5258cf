/**
 * Watchtower is started as `watchtower --interval 30` (no subcommand), and compose files
 * carry such `command:` lines; so flags without a subcommand mean `run`, as in Watchtower.
 */

/** Flags that belong to the program itself, not to `run`: `tidewatch --help` stays the overview. */
const PROGRAM_FLAGS = new Set(['-h', '--help', '-V', '--version']);

/** Watchtower's short flags whose Tidewatch equivalent is a long flag of `run`. */
const WATCHTOWER_SHORT_FLAGS: Readonly<Record<string, string>> = {
  '-i': '--interval',
  '-s': '--schedule',
};

/**
 * The argv to parse: unchanged when a subcommand (or nothing) comes first; otherwise `run`
 * inserted before the flags, with Watchtower's short flags spelt as Tidewatch's long ones.
 */
export function withDefaultCommand(argv: readonly string[]): string[] {
  const [node = 'node', script = 'tidewatch', first, ...rest] = argv;
  if (first === undefined || !first.startsWith('-') || PROGRAM_FLAGS.has(first)) return [...argv];
  const args = [first, ...rest].map((arg) => WATCHTOWER_SHORT_FLAGS[arg] ?? arg);
  return [node, script, 'run', ...args];
}
