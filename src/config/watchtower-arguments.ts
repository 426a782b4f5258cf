/**
 * Reads Watchtower's docs/arguments.md (a copy is test/fixtures/watchtower/arguments.md): each
 * `## Title` section's code block names its flags (`Argument: --debug, -d`) and its variable
 * (`Environment Variable: WATCHTOWER_DEBUG`); "N/A" means none. Pure: the text is given.
 */
export interface WatchtowerArgument {
  /** The section's title, e.g. "Debug". */
  readonly title: string;
  /** Long flags first, then short ones, as written: `--debug`, `-d`. */
  readonly flags: readonly string[];
  /** Environment variables: `WATCHTOWER_DEBUG`, `TZ`, `DOCKER_HOST`. */
  readonly env: readonly string[];
}

const FIELD = /^\s*(Argument|Environment Variable):\s*(.*?)\s*$/;

export function parseWatchtowerArguments(markdown: string): WatchtowerArgument[] {
  const found: WatchtowerArgument[] = [];
  let title = '';
  let current: { flags: string[]; env: string[] } | undefined;
  const flush = (): void => {
    if (current !== undefined && current.flags.length + current.env.length > 0)
      found.push({ title, ...current });
    current = undefined;
  };
  for (const line of markdown.split('\n')) {
    const heading = /^##\s+(.*?)\s*$/.exec(line);
    if (heading?.[1] !== undefined) {
      flush();
      title = heading[1];
      continue;
    }
    const field = FIELD.exec(line);
    if (field?.[2] === undefined) continue;
    // A section's "Argument:" starts its entry (Health check has no variable line at all).
    if (field[1] === 'Argument') flush();
    current ??= { flags: [], env: [] };
    const names = field[2] === 'N/A' ? [] : field[2].split(',').map((name) => name.trim());
    (field[1] === 'Argument' ? current.flags : current.env).push(...names.filter((name) => name !== ''));
  }
  flush();
  return found;
}
