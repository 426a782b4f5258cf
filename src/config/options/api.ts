import { z } from 'zod';
import { BOOLEAN_WORDS } from './parse-value.js';
import { option } from './spec.js';

// host:port (an IPv6 host in brackets; an empty host means every interface), or off.
const HTTP_ADDR = /^(?:off|(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5})$/;

/**
 * Watchtower's WATCHTOWER_HTTP_API_UPDATE=true, without WATCHTOWER_HTTP_API_PERIODIC_POLLS=true,
 * meant "update only when the API is called, never on a schedule": Tidewatch's --api-only.
 * (WATCHTOWER_HTTP_API_METRICS needs no counterpart: /v1/metrics is always served.)
 */
function watchtowerApiOnly(env: NodeJS.ProcessEnv): boolean {
  const isTrue = (name: string): boolean => BOOLEAN_WORDS[(env[name] ?? '').trim().toLowerCase()] === true;
  return isTrue('WATCHTOWER_HTTP_API_UPDATE') && !isTrue('WATCHTOWER_HTTP_API_PERIODIC_POLLS');
}

/** The HTTP API and its webhooks. */
export const API_OPTIONS = [
  // Loopback only: the container image sets 0.0.0.0:8080 (see README).
  option({
    key: 'httpAddr',
    flag: 'http-addr',
    env: ['TIDEWATCH_HTTP_ADDR'],
    kind: 'string',
    valueName: 'host:port',
    description: 'Where `run` serves the HTTP API: host:port (the container image sets 0.0.0.0:8080), or off',
    field: 'httpAddr',
    schema: z
      .string()
      .regex(HTTP_ADDR, 'expected host:port (such as 127.0.0.1:8080 or 0.0.0.0:8080) or off')
      .refine((addr) => addr === 'off' || Number(addr.slice(addr.lastIndexOf(':') + 1)) <= 65_535, {
        message: 'the port is over 65535',
      }),
    default: '127.0.0.1:8080',
  }),
  option({
    key: 'apiToken',
    flag: 'api-token',
    env: ['TIDEWATCH_API_TOKEN', 'WATCHTOWER_HTTP_API_TOKEN'],
    kind: 'string',
    valueName: 'token',
    description:
      'Bearer token for the HTTP API; without one, routes that change anything are not served (prefer TIDEWATCH_API_TOKEN_FILE)',
    field: 'apiToken',
    schema: z.string().min(1).optional(),
    secret: true,
  }),
  // Watchtower's WATCHTOWER_HTTP_API_UPDATE without WATCHTOWER_HTTP_API_PERIODIC_POLLS means the same.
  option({
    key: 'apiOnly',
    flag: 'api-only',
    env: ['TIDEWATCH_API_ONLY'],
    kind: 'boolean',
    description:
      "Check and update only when asked over the API or a webhook, never on a schedule (needs --api-token; Watchtower's WATCHTOWER_HTTP_API_UPDATE without WATCHTOWER_HTTP_API_PERIODIC_POLLS)",
    field: 'apiOnly',
    schema: z.boolean(),
    defaultAt: watchtowerApiOnly,
  }),
  option({
    key: 'metricsPublic',
    flag: 'metrics-public',
    env: ['TIDEWATCH_METRICS_PUBLIC'],
    kind: 'boolean',
    description: 'Serve /metrics and /v1/metrics without the API token',
    field: 'metricsPublic',
    schema: z.boolean(),
    default: false,
  }),
  option({
    key: 'webhookSecret',
    flag: 'webhook-secret',
    env: ['TIDEWATCH_WEBHOOK_SECRET'],
    kind: 'string',
    valueName: 'secret',
    description: 'Shared secret (or HMAC key) of the webhooks under /api/v1/webhooks/',
    field: 'webhookSecret',
    schema: z.string().min(1).optional(),
    defaultText: 'the API token',
    secret: true,
  }),
] as const;
