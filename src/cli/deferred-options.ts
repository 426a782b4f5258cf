import type { Command } from 'commander';

/**
 * The commands that take every option (run, once, check, config check and print, notify test) get
 * them only once they are the one run or whose help is shown: six times a hundred options are
 * 600 commander options and their listeners, which every start paid for (docs/performance.md),
 * while a command line runs one command.
 */
const deferred = new WeakMap<Command, () => void>();
const hooked = new WeakSet<Command>();

/** `add` runs before `sub` parses its arguments, or before its help is written; once. */
export function deferOptions(parent: Command, sub: Command, add: () => void): void {
  let added = false;
  const once = (): void => {
    if (added) return;
    added = true;
    add();
  };
  deferred.set(sub, once);
  if (!hooked.has(parent)) {
    hooked.add(parent);
    // Commander calls its parent's hook before the chosen subcommand parses anything.
    parent.hook('preSubcommand', (_parent, chosen) => deferred.get(chosen)?.());
    // The parent's help says which subcommands take [options].
    beforeHelp(parent, () => addAllOptions(parent));
  }
  // `tidewatch help run` writes run's help without dispatching to it.
  beforeHelp(sub, once);
}

function beforeHelp(command: Command, prepare: () => void): void {
  const helpInformation = command.helpInformation.bind(command);
  command.helpInformation = (context) => {
    prepare();
    return helpInformation(context);
  };
}

/** Every deferred option added now, as if each command were run (the tests read them). */
export function addAllOptions(command: Command): void {
  deferred.get(command)?.();
  for (const sub of command.commands) addAllOptions(sub);
}
