import { TidewatchError } from '../domain/errors.js';
import {
  HISTORY_MAX_LIMIT,
  UPDATE_OUTCOMES,
  forgetBadDigests,
  openStoreReadOnly,
  type HistoryQuery,
  type UpdateOutcome,
} from '../store/index.js';
import { shortDigest } from './format.js';
import { historyJson, historyTable } from './history-output.js';

/** `history`'s own options, as commander hands them over (strings, unvalidated). */
export interface HistoryArgs {
  readonly json?: boolean | undefined;
  readonly container?: string | undefined;
  readonly outcome?: string | undefined;
  readonly actor?: string | undefined;
  readonly limit?: string | undefined;
}

function badArgument(message: string): TidewatchError {
  return new TidewatchError('invalid-argument', message);
}

/** The store query for `history`'s options; a bad one throws one line naming the option. */
export function historyQuery(args: HistoryArgs): HistoryQuery {
  const query: { container?: string; actor?: string; outcome?: UpdateOutcome; limit?: number } = {};
  if (args.actor !== undefined) {
    if (args.actor.trim() === '')
      throw badArgument('--actor: expected who made the updates (e.g. alice, cli:root, schedule)');
    query.actor = args.actor.trim();
  }
  if (args.container !== undefined) {
    const container = args.container.trim().replace(/^\//, '');
    if (container === '') throw badArgument('--container: expected a container name');
    query.container = container;
  }
  if (args.outcome !== undefined) {
    const outcome = UPDATE_OUTCOMES.find((candidate) => candidate === args.outcome?.trim());
    if (outcome === undefined) {
      throw badArgument(`--outcome: expected ${UPDATE_OUTCOMES.join(', ')}, got "${args.outcome}"`);
    }
    query.outcome = outcome;
  }
  if (args.limit !== undefined) {
    const limit = /^\d{1,4}$/.test(args.limit.trim()) ? Number(args.limit.trim()) : 0;
    if (limit < 1 || limit > HISTORY_MAX_LIMIT) {
      throw badArgument(
        `--limit: expected a whole number from 1 to ${HISTORY_MAX_LIMIT}, got "${args.limit}"`,
      );
    }
    query.limit = limit;
  }
  return query;
}

/**
 * `tidewatch history`: the store's updates, newest first, including any still in flight. Reads the
 * store without its lock (see openStoreReadOnly), so it works while `tidewatch run` holds it.
 */
export function historyCommand(file: string, args: HistoryArgs, write: (text: string) => void): number {
  const query = historyQuery(args);
  const store = openStoreReadOnly(file);
  if (store === undefined) {
    write(args.json === true ? '[]\n' : `No updates recorded: there is no store at ${file} yet.\n`);
    return 0;
  }
  try {
    const page = store.history.list(query);
    if (args.json === true) {
      write(`${historyJson(page.items)}\n`);
    } else if (page.items.length === 0) {
      const filtered = query.container !== undefined || query.outcome !== undefined;
      write(filtered ? 'No updates match.\n' : 'No updates recorded.\n');
    } else {
      write(`${historyTable(page.items)}\n`);
      if (page.nextCursor !== null) {
        const more = page.items.length < HISTORY_MAX_LIMIT ? `; --limit ${HISTORY_MAX_LIMIT} shows more` : '';
        write(`(the newest ${page.items.length}${more})\n`);
      }
    }
    return 0;
  } finally {
    store.close();
  }
}

/**
 * `tidewatch forget NAME`: forgets the digests that were rolled back on that container, so a later
 * cycle may deploy them again. Nothing to forget is not an error: the end state is the one asked for.
 */
export function forgetCommand(file: string, name: string, write: (text: string) => void): number {
  const container = name.trim().replace(/^\//, '');
  if (container === '') throw badArgument('forget: expected a container name');
  const forgotten = forgetBadDigests(file, container);
  if (forgotten.length === 0) {
    write(`No bad digests remembered for ${container}: nothing to forget.\n`);
    return 0;
  }
  const digests = forgotten.map((bad) => shortDigest(bad.digest)).join(', ');
  const plural = forgotten.length === 1 ? '' : 's';
  write(
    `Forgot ${forgotten.length} bad digest${plural} of ${container} (${digests}); ` +
      `the next cycle may update it to ${forgotten.length === 1 ? 'that image' : 'those images'} again.\n`,
  );
  return 0;
}
