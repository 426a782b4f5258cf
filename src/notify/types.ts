import { z } from 'zod';
import { NOTIFICATION_LEVELS } from '../config/index.js';
import { TidewatchError } from '../domain/errors.js';

/** Watchtower's levels (logrus), most severe first; a message is sent at the threshold or above. */
export const Level = z.enum(NOTIFICATION_LEVELS);
export type Level = z.infer<typeof Level>;

/**
 * What a message is about. `state` carries no text: it only refreshes Home Assistant's view of
 * containers (mqtt:// targets), for events below the level filter and containers first seen current.
 */
export const NOTICE_KINDS = [
  'update-available',
  'updated',
  'rolled-back',
  'failed',
  'skipped',
  'approval-needed',
  'rollout-halted',
  'report',
  'test',
  'state',
] as const;
export const NoticeKind = z.enum(NOTICE_KINDS);
export type NoticeKind = z.infer<typeof NoticeKind>;

/** What a message says about one container; every field is also a template field. */
export const ContainerFacts = z.object({
  container: z.string(),
  image: z.string(),
  fromDigest: z.string().optional(),
  toDigest: z.string().optional(),
  /** 12 hex digits of the digest (or image id) before and after. */
  fromShort: z.string().optional(),
  toShort: z.string().optional(),
  fromTag: z.string().optional(),
  toTag: z.string().optional(),
  reason: z.string().optional(),
  /** The last log lines of the container that failed verification. */
  logs: z.string().optional(),
  updateId: z.number().int().optional(),
  /** Who made the update (history's `actor`): a person, a token, `schedule`, `webhook:<kind>`. */
  actor: z.string().optional(),
  /** The actor when a person or named token asked (not a trigger such as `schedule`). */
  by: z.string().optional(),
  approvalId: z.number().int().optional(),
  /** ISO 8601. */
  deadline: z.string().optional(),
  /** For Home Assistant: the version running now and the newest one (short digests). */
  installed: z.string().optional(),
  latest: z.string().optional(),
  /** Release links of the update, from the images' OCI labels (docs/release-links.md). */
  sourceUrl: z.string().optional(),
  releaseUrl: z.string().optional(),
  compareUrl: z.string().optional(),
  projectUrl: z.string().optional(),
  documentationUrl: z.string().optional(),
});
export type ContainerFacts = z.infer<typeof ContainerFacts>;

/** A message as it waits in the outbox, rendered for one target. */
export const Payload = z.object({
  event: NoticeKind,
  level: Level,
  /** Absent with --notification-skip-title. */
  title: z.string().optional(),
  body: z.string(),
  host: z.string(),
  /** Epoch ms of when it happened. */
  time: z.number().int(),
  containers: z.array(ContainerFacts),
});
export type Payload = z.infer<typeof Payload>;

/** What a target answered, for `tidewatch notify test` and the logs. */
export interface DeliveryReceipt {
  /** e.g. `HTTP 200`, `250 2.0.0 OK`, `published 3 messages`. */
  readonly status: string;
}

export interface SendContext {
  /** Aborts at the attempt's timeout. */
  readonly signal: AbortSignal;
  /** The outbox row: the same on every retry, so services that dedupe (Matrix) can. */
  readonly messageId: number;
}

/** One notification service behind one port: slack, smtp, mqtt, ... */
export interface Channel {
  /** mqtt:// keeps Home Assistant's view of containers up to date: it also gets `state` messages. */
  readonly receivesState: boolean;
  /** Throws DeliveryError when the message was not accepted. */
  send(payload: Payload, context: SendContext): Promise<DeliveryReceipt>;
}

/**
 * A delivery that did not happen. `permanent`: retrying the same request cannot help (a 404 or
 * 401 from the service); it is still retried a few times, since a proxy may answer so briefly.
 */
export class DeliveryError extends TidewatchError {
  readonly permanent: boolean;
  /** From a 429's or 503's Retry-After. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { permanent?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super('NOTIFY_DELIVERY_FAILED', message, { cause: options.cause });
    this.name = 'DeliveryError';
    this.permanent = options.permanent ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Severity rank: higher is more severe. */
export function severity(level: Level): number {
  return NOTIFICATION_LEVELS.length - NOTIFICATION_LEVELS.indexOf(level);
}

export function atLeast(level: Level, threshold: Level): boolean {
  return severity(level) >= severity(threshold);
}
