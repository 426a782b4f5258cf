import type { ContainerRow } from './types.js';

/** What every view shares: the container list, kept current by the live stream. */
export interface Shared {
  readonly containers: ContainerRow[] | undefined;
  readonly error: string | undefined;
  readonly refresh: () => void;
  /** Bumped on every live event that may change what a view shows. */
  readonly version: number;
  readonly act: (label: string, action: () => Promise<unknown>) => Promise<void>;
  /** The signed-in person's name; undefined for the shared --api-token (votes then name a voter). */
  readonly person: string | undefined;
}
