/**
 * Every error code Tidewatch gives a `TidewatchError`, declared once with what it means outside:
 * the HTTP status the API answers it with (500: the API never shows it as itself, it answers
 * `internal` and logs it) and the exit code the CLI ends with (2: bad usage or configuration; 1:
 * anything else). A code
 * not in this table does not type-check, so a mistyped one cannot become a silent 500.
 */
export const ERROR_CODES = {
  // Bad input from the user: flags, config, labels, API requests.
  'invalid-config': { status: 400, exit: 2 },
  'invalid-argument': { status: 400, exit: 2 },
  'invalid-label': { status: 400, exit: 1 },
  'invalid-docker-config': { status: 500, exit: 1 },
  // A configuration error, like a bad flag: exit 2 (run stops at start; config check says so).
  'invalid-docker-host': { status: 500, exit: 2 },
  'invalid-window': { status: 400, exit: 1 },
  'invalid-timezone': { status: 400, exit: 1 },
  'invalid-policy': { status: 400, exit: 1 },
  'invalid-pattern': { status: 400, exit: 1 },
  'invalid-min-age-from': { status: 400, exit: 1 },
  'invalid-duration': { status: 400, exit: 1 },
  'compose-file-invalid': { status: 500, exit: 1 },
  'invalid-approve': { status: 400, exit: 1 },
  'invalid-schedule': { status: 400, exit: 1 },
  // The API's own answers.
  'invalid-request': { status: 400, exit: 1 },
  'invalid-json': { status: 400, exit: 1 },
  'invalid-body': { status: 400, exit: 1 },
  'invalid-query': { status: 400, exit: 1 },
  'invalid-params': { status: 400, exit: 1 },
  'invalid-header': { status: 400, exit: 1 },
  'invalid-reference': { status: 400, exit: 1 },
  HISTORY_BAD_QUERY: { status: 400, exit: 1 },
  unauthorized: { status: 401, exit: 1 },
  'token-required': { status: 403, exit: 1 },
  'csrf-required': { status: 403, exit: 1 },
  forbidden: { status: 403, exit: 1 },
  'not-found': { status: 404, exit: 1 },
  'method-not-allowed': { status: 405, exit: 1 },
  conflict: { status: 409, exit: 1 },
  'payload-too-large': { status: 413, exit: 1 },
  'too-many-sign-ins': { status: 429, exit: 1 },
  'shutting-down': { status: 503, exit: 1 },
  'not-ready': { status: 503, exit: 1 },
  // Answered for anything that is not one of the codes above with a status of its own.
  internal: { status: 500, exit: 1 },
  // The engine answered with an error or not at all: the fault is upstream of the API.
  'engine-error': { status: 502, exit: 1 },
  'engine-unsupported': { status: 500, exit: 1 },
  'engine-bad-response': { status: 500, exit: 1 },
  'pull-timeout': { status: 500, exit: 1 },
  'engine-unreachable': { status: 500, exit: 1 },
  'http-listen-failed': { status: 500, exit: 1 },
  // Registries and credentials.
  'registry-unauthorized': { status: 500, exit: 1 },
  'registry-not-found': { status: 500, exit: 1 },
  'registry-unavailable': { status: 500, exit: 1 },
  'registry-rate-limited': { status: 500, exit: 1 },
  'registry-bad-response': { status: 500, exit: 1 },
  'credential-helper-failed': { status: 500, exit: 1 },
  // The store.
  STORE_OPEN_FAILED: { status: 500, exit: 1 },
  STORE_BAD_ROW: { status: 500, exit: 1 },
  JOURNAL_NOT_FOUND: { status: 500, exit: 1 },
  JOURNAL_ILLEGAL_TRANSITION: { status: 500, exit: 1 },
  JOURNAL_BAD_INPUT: { status: 500, exit: 1 },
  APPROVAL_BAD_INPUT: { status: 500, exit: 1 },
  APPROVAL_BAD_QUERY: { status: 500, exit: 1 },
  STORE_NO_DATA_DIR: { status: 500, exit: 1 },
  STORE_LOCKED: { status: 500, exit: 1 },
  STORE_LOCK_FAILED: { status: 500, exit: 1 },
  STORE_SCHEMA_TOO_NEW: { status: 500, exit: 1 },
  STORE_SCHEMA_OLD: { status: 500, exit: 1 },
  NOTIFY_DELIVERY_FAILED: { status: 500, exit: 1 },
  'gitops-fetch': { status: 500, exit: 1 },
  // Compose and the demo.
  'compose-failed': { status: 500, exit: 1 },
  'compose-missing': { status: 500, exit: 1 },
  'compose-write-back': { status: 500, exit: 1 },
  'demo-no-busybox': { status: 500, exit: 1 },
  'demo-no-registry': { status: 500, exit: 1 },
  'demo-registry-failed': { status: 500, exit: 1 },
  'demo-tidewatch-failed': { status: 500, exit: 1 },
  // Bundles (src/bundle): a refused file is bad input; a failed load or push is the engine's or registry's.
  'bundle-rejected': { status: 422, exit: 1 },
  'bundle-failed': { status: 500, exit: 1 },
  // A start-first switch of the proxy in front (src/proxy): the proxy's answer, not Tidewatch's input.
  'proxy-switch': { status: 502, exit: 1 },
} as const satisfies Record<string, { readonly status: number; readonly exit: 1 | 2 }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The CLI's exit code for an error: 2 for bad usage or configuration, 1 otherwise. */
export function exitCodeOf(code: ErrorCode): 1 | 2 {
  return ERROR_CODES[code].exit;
}
