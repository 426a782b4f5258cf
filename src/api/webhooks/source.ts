import type { z } from 'zod';

export const WEBHOOK_KINDS = ['registry', 'dockerhub', 'ghcr', 'harbor', 'quay', 'generic'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/**
 * How a sender proves it knows the secret:
 * - `bearer`: `Authorization: Bearer <secret>` (the sender can set headers);
 * - `bearer-or-query`: that, or `?secret=<secret>` for senders that cannot set headers;
 * - `signature`: an HMAC-SHA256 of the body with the secret, in X-Hub-Signature-256 (GitHub).
 */
export type WebhookAuth = 'bearer' | 'bearer-or-query' | 'signature';

export interface WebhookInput<T> {
  readonly payload: T;
  readonly header: (name: string) => string | undefined;
  readonly query: Readonly<Record<string, string | undefined>>;
}

/** The images a delivery announces (full references; with a tag, only that tag), or why it is ignored. */
export type WebhookOutcome = { readonly images: readonly string[] } | { readonly ignored: string };

/** One sender's payload: how it authenticates, its schema, and what it means. */
export interface WebhookSource<T = unknown> {
  readonly kind: WebhookKind;
  readonly summary: string;
  readonly description: string;
  readonly auth: WebhookAuth;
  /** Validates the parts of the payload Tidewatch reads; senders add fields freely. */
  readonly schema: z.ZodType<T>;
  /** Query parameters besides `secret`; documented and validated by the route. */
  readonly query?: z.ZodObject;
  read(input: WebhookInput<T>): WebhookOutcome;
}

/** Keeps a source's payload type while listing sources of different types together. */
export function defineSource<T>(source: WebhookSource<T>): WebhookSource {
  return source;
}

/** `images` when there are some, else `ignored` with the reason. */
export function outcome(images: readonly string[], whyNone: string): WebhookOutcome {
  const unique = [...new Set(images)];
  return unique.length > 0 ? { images: unique } : { ignored: whyNone };
}
