import type { Clock, ContainerDetails, CreateSpec, ImageRef, Sleep } from '../domain/index.js';
import type { Engine, ImageDetails } from '../engine/index.js';
import type { CredentialStore } from '../registry/index.js';
import type { Logger } from '../log/index.js';
import type { BadDigests, History, Journal, Plans, UpdateTrigger } from '../store/index.js';
import type { Strategy } from '../config/index.js';
import type { GroupMember } from './group.js';
import type { VerifyPolicy } from './verify.js';

/**
 * What one update (a container and its group) is given and how it ends: types only, shared by the
 * update itself, its image and spec helpers and compose, without importing the update.
 */

export interface UpdateDeps {
  readonly engine: Engine;
  readonly credentials: CredentialStore;
  readonly logger: Logger;
  /** Where each step is recorded before it is taken; absent only where nothing is kept (tests). */
  readonly journal?: Journal | undefined;
  /** Group plans' write-ahead log; in memory when absent (tests). */
  readonly plans?: Plans | undefined;
  readonly badDigests?: BadDigests | undefined;
  /** Earlier updates, to know which previous images are rollback points. */
  readonly history?: History | undefined;
  /** Test-only: called after each journal write, to kill the process at a chosen one. */
  readonly afterJournal?: ((step: string) => void) | undefined;
  /** The time verification deadlines are measured in, and how it waits; default the system's. */
  readonly now?: Clock | undefined;
  readonly sleep?: Sleep | undefined;
}

/** A reason not to go on, decided after the pull and before anything changes (a pre-update hook). */
export type Proceed =
  { readonly go: true } | { readonly go: false; readonly skip: boolean; readonly reason: string };

/** What one container's own update needs: the main one's, or a group member's with its own. */
export interface MemberUpdate {
  readonly details: ContainerDetails;
  readonly ref: ImageRef;
  readonly oldImage: ImageDetails;
  /** The digest that was checked; undefined with --no-pull (the local tag is the new image). */
  readonly digest: string | undefined;
  /** The digest the container runs now, for the history. */
  readonly currentDigest?: string | undefined;
  /** A tag policy chose another tag: the container is recreated on it (`ref` is the tag it runs). */
  readonly targetRef?: ImageRef | undefined;
  /** How the new container proves itself; without it, starting is enough. */
  readonly verify?: VerifyPolicy | undefined;
  readonly stopSignal: string | undefined;
  /** Adjusts the new container's spec after the pull (compose: refresh its config-hash label). */
  readonly prepareSpec?: ((spec: CreateSpec) => Promise<CreateSpec>) | undefined;
}

export interface UpdateRequest extends MemberUpdate {
  readonly stopTimeoutMs: number;
  /** Start the new container even when the old one was not running. */
  readonly revive: boolean;
  readonly cleanup: boolean;
  /** With cleanup: previous images kept per container as rollback points. */
  readonly keepImages: number;
  readonly signal: AbortSignal;
  readonly beforeChange?: () => Promise<Proceed>;
  readonly trigger: UpdateTrigger;
  /** The strategy asked for (label, else --strategy); auto is resolved here. */
  readonly strategy?: Strategy | undefined;
  /** start-first: time the original stays up, out of DNS, after the new one is verified. */
  readonly drainMs?: number | undefined;
  /** The rest of the group, in start order (see planGroup), and the members' own updates. */
  readonly group?: {
    readonly members: readonly GroupMember[];
    readonly updates: ReadonlyMap<string, MemberUpdate>;
  };
}

/**
 * How one update ended, as the cycle reports it (`skipped` included). Not the store's
 * `UpdateOutcome`, which is what a history row records: committed, rolled-back or failed.
 */
export type UpdateResult =
  | {
      readonly kind: 'updated';
      readonly newId: string;
      readonly newImageId: string;
      /** Something after the update went wrong without undoing it (a post-update hook). */
      readonly reason?: string | undefined;
      /** How each other member of the group ended. */
      readonly members?: ReadonlyMap<string, UpdateResult>;
    }
  | { readonly kind: 'skipped'; readonly reason: string }
  | {
      readonly kind: 'rolled-back' | 'failed';
      readonly reason: string;
      readonly members?: ReadonlyMap<string, UpdateResult>;
    };
