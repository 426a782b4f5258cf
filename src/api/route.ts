import type { Context } from 'hono';
import { z } from 'zod';
import type { Access, Denial } from './auth.js';
import { apiError } from './errors.js';

export type Method = 'GET' | 'POST' | 'DELETE';

export interface RouteInput<P, Q, B> {
  readonly c: Context;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The body as it came, for routes that check a signature over it. */
  readonly raw: string;
  /** Who asked: a named token's holder or a session's person; undefined for the shared token or none. */
  readonly holder?: string | undefined;
}

/**
 * One route, declared once: app.ts serves it (access check, then zod on params, query and body),
 * openapi.ts describes it, and the tests iterate over the same list. A new route file exports a
 * function returning its routes; routes/index.ts lists it.
 */
export interface RouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly methods: readonly Method[];
  /** Hono path syntax: `/api/v1/containers/:name`. */
  readonly path: string;
  readonly access: Access;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** Path parameters; required when the path has any. */
  readonly params?: P;
  /** Query parameters; absent: the route takes none, and any given is refused. */
  readonly query?: Q;
  /** The JSON body; absent: the route takes none, and a non-empty body is refused. */
  readonly body?: B;
  /**
   * The handler parses the raw body itself (a webhook checks the sender's signature over the exact
   * bytes first); `body` then only documents it.
   */
  readonly rawBody?: boolean;
  /**
   * For `webhook` access: checks the sender (a shared secret, a signature over the raw body) before
   * anything else is read; a denial answers 401 or 403.
   */
  readonly authorize?: (c: Context, raw: string) => Denial;
  /** OpenAPI security schemes, when not those of `access` (a webhook names how its sender signs). */
  readonly security?: readonly string[];
  /** Status → what it means, for the OpenAPI document. */
  readonly responses: Readonly<Record<number, string>>;
  /** Not JSON: text/event-stream or Prometheus text. */
  readonly produces?: string;
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Response | Promise<Response>;
}

export type ApiRoute = RouteDefinition<z.ZodType, z.ZodType, z.ZodType>;

export function defineRoute<
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  Q extends z.ZodType = z.ZodType<Record<string, never>>,
  B extends z.ZodType = z.ZodType<undefined>,
>(route: RouteDefinition<P, Q, B>): ApiRoute {
  return route;
}

const NONE = z.strictObject({});

/** Parses with a schema; the first issue becomes a 400 with a code naming the part. */
export function parsePart<T extends z.ZodType>(
  schema: T,
  value: unknown,
  code: 'invalid-params' | 'invalid-query' | 'invalid-body' | 'invalid-header',
  what: string,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` ${issue.path.join('.')}`;
  throw apiError(code, `${what}${where}: ${issue?.message ?? 'rejected'}`);
}

/** Query parameters as single values; one given twice is refused rather than guessed at. */
function singleQuery(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length !== 1)
      throw apiError('invalid-query', `query parameter "${name}" is given more than once`);
    out[name] = values[0] ?? '';
  }
  return out;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw apiError('invalid-json', 'the body is not JSON');
  }
}

/** A route without a body accepts none, or `{}` (some clients always send one). */
function checkNoBody(raw: string): void {
  if (raw.trim() === '') return;
  const value = parseJson(raw);
  const empty =
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
  if (!empty) throw apiError('invalid-body', 'this route takes no body');
}

/** Validates a request against its route's schemas. */
export function parseInput(
  route: ApiRoute,
  c: Context,
  raw: string,
): { params: unknown; query: unknown; body: unknown } {
  const params = parsePart(route.params ?? NONE, c.req.param(), 'invalid-params', 'path parameter');
  const query = parsePart(route.query ?? NONE, singleQuery(c), 'invalid-query', 'query parameter');
  let body: unknown;
  if (route.rawBody === true) body = undefined;
  else if (route.body === undefined) checkNoBody(raw);
  // An empty body is no body: a route whose body is optional takes none (a named token's vote).
  else body = parsePart(route.body, raw.trim() === '' ? undefined : parseJson(raw), 'invalid-body', 'body');
  return { params, query, body };
}

/** A container name as the engine allows it (a leading slash, as inspect shows it, is accepted). */
export const ContainerName = z
  .string()
  .max(255)
  .regex(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'not a container name')
  .transform((name) => name.replace(/^\//, ''));

export const NameParams = z.strictObject({ name: ContainerName });

/** `true`/`false` in a query string. */
export const QueryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');
