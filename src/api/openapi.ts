import { z } from 'zod';
import type { Access } from './auth.js';
import { defineRoute, type ApiRoute } from './route.js';
import { VERSION } from '../domain/version.js';

type JsonSchema = Record<string, unknown>;

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

const SECURITY: Record<Access, Array<Record<string, string[]>>> = {
  public: [],
  read: [{ bearer: [] }],
  metrics: [{ bearer: [] }],
  mutate: [{ bearer: [] }],
  webhook: [{ webhookSecret: [] }],
};

function jsonSchema(schema: z.ZodType): JsonSchema {
  // Input side: what a client sends, before transforms (which JSON Schema cannot express).
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (schema === undefined) return [];
  const object = jsonSchema(schema);
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function operation(route: ApiRoute): JsonSchema {
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, description]) => {
      const isError = Number(status) >= 400;
      const type = isError || route.produces === undefined ? 'application/json' : route.produces;
      return [status, { description, content: { [type]: isError ? { schema: ERROR_SCHEMA } : {} } }];
    }),
  );
  return {
    summary: route.summary,
    ...(route.description !== undefined && { description: route.description }),
    tags: [route.tag],
    security: route.security?.map((scheme) => ({ [scheme]: [] })) ?? SECURITY[route.access],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body !== undefined && {
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } },
    }),
    responses,
  };
}

/** The OpenAPI 3.1 document of these routes (JSON Schema from their zod schemas). */
export function openApiDocument(routes: readonly ApiRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    for (const method of route.methods) paths[path][method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tidewatch',
      version: VERSION,
      description:
        'Keeps running Docker containers up to date, safely. Errors are always `{ error: { code, message } }`.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The API token (--api-token)' },
        webhookSecret: {
          type: 'http',
          scheme: 'bearer',
          description: 'The webhook secret (--webhook-secret, else the API token)',
        },
        memberToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A fleet member token (`tidewatch fleet token create NAME`), with the name in X-Tidewatch-Member',
        },
        webhookQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'secret',
          description: 'For senders that cannot set headers',
        },
        webhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Hub-Signature-256',
          description: 'sha256=HMAC-SHA256(secret, body), as GitHub signs',
        },
      },
    },
    paths,
  };
}

/** GET /api/v1/openapi.json: built once, from the routes served (this one included). */
export function openApiRoute(routes: () => readonly ApiRoute[]): ApiRoute {
  let document: JsonSchema | undefined;
  return defineRoute({
    methods: ['GET'],
    path: '/api/v1/openapi.json',
    access: 'public',
    tag: 'meta',
    summary: 'This API, as an OpenAPI 3.1 document',
    responses: { 200: 'The document' },
    handle: ({ c }) => c.json((document ??= openApiDocument(routes()))),
  });
}
