import type { UpdateRecord, UpdateTrigger } from '../store/index.js';
import type { WaitingFor } from '../domain/run.js';
import type { ReleaseLinks } from '../domain/release-links.js';

/**
 * Everything that happens, as one typed union. Notifications, the API's live stream, metrics and
 * history all read these; the updater never talks to any of them directly.
 */
export type TidewatchEvent =
  | {
      readonly type: 'check-started';
      readonly trigger: UpdateTrigger;
      /** Only these containers (by name); all when empty. */
      readonly names: readonly string[];
      /** Present and true when only containers on some images are checked (a registry webhook's run). */
      readonly targeted?: true;
    }
  | {
      readonly type: 'container-checked';
      readonly container: string;
      readonly image: string;
      readonly status: 'current' | 'update-available' | 'skipped' | 'unknown';
      readonly currentDigest?: string | undefined;
      readonly latestDigest?: string | undefined;
      readonly reason?: string | undefined;
      /** The effective policy (`digest`, `minor`, `semver:^1`, ...), when the check knew it. */
      readonly policy?: string | undefined;
      readonly currentTag?: string | undefined;
      /** The tag a tag policy would move to. */
      readonly latestTag?: string | undefined;
      /** Why an available update waits: cooldown, window, approval, registry budget. */
      readonly waitingFor?: WaitingFor | undefined;
      /** Release notes and compare links of an available update (docs/release-links.md). */
      readonly releaseLinks?: ReleaseLinks | undefined;
    }
  | {
      /** Every journal write of an update: planned, each step, and its outcome. */
      readonly type: 'update-step';
      readonly update: UpdateRecord;
    }
  | {
      /** An available update that was not applied: a hook said skip, a policy makes it wait, ... */
      readonly type: 'update-skipped';
      readonly container: string;
      readonly image: string;
      readonly toDigest?: string | undefined;
      readonly reason: string;
    }
  | {
      /** An update waits for votes (tidewatch.approve); said once per approval. */
      readonly type: 'approval-needed';
      readonly approvalId: number;
      readonly container: string;
      readonly image: string;
      readonly fromTag?: string | undefined;
      readonly toTag?: string | undefined;
      readonly toDigest: string;
      readonly deadlineAt?: number | undefined;
      /** What a person reads before approving (docs/release-links.md). */
      readonly releaseLinks?: ReleaseLinks | undefined;
    }
  | {
      /**
       * A fleet controller halted a rollout (src/fleet): `member` rolled the digest back, so it is
       * bad for the whole fleet and no other member gets it.
       */
      readonly type: 'fleet-rollout-halted';
      readonly rollout: number;
      readonly ref: string;
      readonly digest: string;
      readonly member: string;
      readonly container: string;
      readonly reason: string;
      /** The last log lines of the member's failed container. */
      readonly logs: string | null;
    }
  | {
      readonly type: 'check-finished';
      readonly trigger: UpdateTrigger;
      readonly checked: number;
      readonly updated: number;
      readonly failed: number;
      readonly durationMs: number;
    };

export type TidewatchEventType = TidewatchEvent['type'];
