import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { TidewatchError } from '../domain/index.js';

export interface DataDirInput {
  /** `--data-dir`, when given. */
  readonly flag?: string | undefined;
  /** The environment: TIDEWATCH_DATA_DIR, XDG_STATE_HOME, HOME. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The effective user id (`process.getuid()`); 0 is root. */
  readonly uid: number;
  /** Whether Tidewatch runs in a container (see `isInContainer`). */
  readonly inContainer: boolean;
  /** What a relative --data-dir or TIDEWATCH_DATA_DIR is relative to; usually `process.cwd()`. */
  readonly cwd?: string;
}

function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Where Tidewatch keeps its state. An explicit --data-dir wins over TIDEWATCH_DATA_DIR; without
 * either: `/data` in a container (the volume users mount, as the image documents), the FHS place
 * for a system service's state when root, and the XDG state directory for anyone else.
 */
export function resolveDataDir(input: DataDirInput): string {
  const explicit = given(input.flag) ?? given(input.env['TIDEWATCH_DATA_DIR']);
  if (explicit !== undefined) return input.cwd === undefined ? explicit : resolve(input.cwd, explicit);
  if (input.inContainer) return '/data';
  if (input.uid === 0) return '/var/lib/tidewatch';
  // The XDG base directory spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const xdg = given(input.env['XDG_STATE_HOME']);
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'tidewatch');
  const home = given(input.env['HOME']);
  if (home !== undefined) return join(home, '.local', 'state', 'tidewatch');
  throw new TidewatchError(
    'STORE_NO_DATA_DIR',
    'cannot choose a data directory: HOME is not set; pass --data-dir or set TIDEWATCH_DATA_DIR',
  );
}

/** Docker creates /.dockerenv in every container; Podman creates /run/.containerenv. */
export function isInContainer(exists: (path: string) => boolean = existsSync): boolean {
  return exists('/.dockerenv') || exists('/run/.containerenv');
}
