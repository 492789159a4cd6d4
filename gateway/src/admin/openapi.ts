// Builds the OpenAPI 3.1 document from the route definitions, with zod 4's own JSON Schema output
// (OpenAPI 3.1 schemas are JSON Schema 2020-12, zod's default target). Built once at start-up.
import { z } from 'zod';
import { type ErrorCode, errorCatalogue } from '../errors/catalogue.js';
import { ADMIN_PREFIX, openApiPath, type RouteDef } from './route.js';
import { problem } from './schemas/common.js';

type Json = Record<string, unknown>;

/**
 * Schemas the document shows as others: a route declares `settings` as an open record, and the document
 * shows the members the gateway's policy registry gives it.
 */
let replaced: ReadonlyMap<unknown, z.ZodType> = new Map();

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      const replacement = replaced.get(ctx.zodSchema);
      if (!replacement) return;
      const target = ctx.jsonSchema as Json;
      for (const key of Object.keys(target)) delete target[key];
      Object.assign(target, jsonSchema(replacement, io));
    },
  }) as Json;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    schema: jsonSchema(field, 'input'),
  }));
}

/** Codes a route can answer with: its own plus those that follow from how it is declared. */
export function errorCodesOf(route: RouteDef): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  if (route.role !== 'public') codes.add('unauthorized').add('too_many_attempts').add('store_unavailable');
  // Every role but the weakest can be missing; a viewer route still refuses nobody who got past authentication.
  if (route.role !== 'public' && route.role !== 'viewer') codes.add('forbidden');
  if (route.params || route.query || route.body) codes.add('validation_failed');
  if (route.body) codes.add('malformed_json').add('unsupported_media_type').add('payload_too_large');
  codes.add('internal');
  return [...codes];
}

function problemResponses(route: RouteDef): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    const { status } = errorCatalogue[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Json = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: codes.map((c) => `${c}: ${errorCatalogue[c].title}`).join('; '),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return out;
}

function requestBody(route: RouteDef): Json {
  if (route.textBody) {
    const { mediaTypes, description } = route.textBody;
    // A JSON upload is the document itself; any other type is its text.
    const schemaOf = (type: string) =>
      type.endsWith('json') ? { type: 'object', additionalProperties: true } : { type: 'string' };
    return {
      requestBody: {
        required: true,
        description,
        content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: schemaOf(type) }])),
      },
    };
  }
  if (!route.body) return {};
  return { requestBody: { content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } };
}

function operation(route: RouteDef): Json {
  const { status, description, schema } = route.response;
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    'x-required-role': route.role,
    security: route.role === 'public' ? [] : [{ bearerAuth: [] }],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...requestBody(route),
    responses: {
      [String(status)]: {
        description,
        ...(schema ? { content: { 'application/json': { schema: jsonSchema(schema, 'output') } } } : {}),
      },
      ...problemResponses(route),
    },
  };
}

export function buildOpenApi(
  routes: readonly RouteDef[],
  version: string,
  replace: ReadonlyMap<unknown, z.ZodType> = new Map(),
): Json {
  replaced = replace;
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gateway admin API',
      version,
      description:
        'Control plane of the gateway. A platform token sees everything; a tenant token only its own resources.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      schemas: { Problem: jsonSchema(problem, 'output') },
    },
    'x-base-path': ADMIN_PREFIX,
  };
}
