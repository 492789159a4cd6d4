// Call logs and usage analytics, each confined to what the caller may see (its APIs and its apps).
import { z } from 'zod';
import { listCallLogs } from '../../analytics/logs.js';
import { groupings, intervals, usage } from '../../analytics/usage.js';
import { defineRoute, type RouteDef } from '../route.js';
import { checkRange, cursorId, instant, pageFields, pageOf } from '../schemas/query.js';
import { validationFailed } from '../validation.js';

const tag = 'analytics';

const logsQuery = z
  .object({
    apiId: z.string().max(64).optional(),
    appId: z.string().max(64).optional(),
    subscriptionId: z.string().max(64).optional(),
    requestId: z.string().max(200).optional().meta({ description: "The gateway's request id of one call" }),
    clientRequestId: z
      .string()
      .max(200)
      .optional()
      .meta({ description: 'The X-Request-Id a client sent (calls carrying it)' }),
    method: z
      .string()
      .regex(/^[A-Za-z]{1,16}$/, 'must be an HTTP method')
      .transform((m) => m.toUpperCase())
      .optional(),
    pathPrefix: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .meta({ description: 'calls whose path starts with this' }),
    statusMin: z.coerce.number().int().min(100).max(599).optional(),
    statusMax: z.coerce.number().int().min(100).max(599).optional(),
    status: z
      .string()
      .regex(/^([1-5]xx|[1-5]\d\d)$/, 'must be a status code (404) or a class (4xx)')
      .optional(),
    from: instant.optional(),
    to: instant.optional(),
    ...pageFields(),
  })
  .strict();

const usageQuery = z
  .object({
    groupBy: z.enum(Object.keys(groupings) as [keyof typeof groupings]).default('api'),
    apiId: z.string().max(64).optional(),
    appId: z.string().max(64).optional(),
    interval: z.enum(Object.keys(intervals) as [keyof typeof intervals]).default('hour'),
    from: instant.optional(),
    to: instant.optional(),
  })
  .strict();

const logView = z.object({
  id: z.number(),
  ts: z.string(),
  requestId: z
    .string()
    .meta({ description: "The gateway's own id of the call (X-Request-Id of its answer)" }),
  clientRequestId: z
    .string()
    .nullable()
    .meta({ description: 'The X-Request-Id the client sent, when well-formed' }),
  tenantId: z.string().nullable(),
  apiId: z.string().nullable(),
  appId: z.string().nullable(),
  appTenantId: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  authMethod: z.string().nullable().meta({
    description: 'The auth method that let the call in (`key`…); null for anonymous and refused calls',
  }),
  method: z.string(),
  path: z.string(),
  status: z.number(),
  latencyMs: z.number(),
  upstreamLatencyMs: z.number().nullable(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  clientIp: z.string().nullable(),
  errorKind: z.string().nullable(),
  model: z.string().nullable(),
  promptTokens: z.number().nullable(),
  completionTokens: z.number().nullable(),
  costUsd: z.number().nullable(),
  attempts: z
    .array(
      z.object({
        provider: z.string(),
        key: z.string(),
        model: z.string(),
        status: z.number().nullable(),
        error: z.string().nullable(),
        ms: z.number(),
      }),
    )
    .nullable()
    .meta({ description: 'AI calls: each provider attempt (key by id, never the key); null otherwise' }),
  cache: z
    .enum(['hit', 'miss'])
    .nullable()
    .meta({ description: 'AI calls through a response cache: answered from it (`hit`) or not' }),
  masked: z
    .object({
      prompt: z.record(z.string(), z.number()).optional(),
      answer: z.record(z.string(), z.number()).optional(),
    })
    .nullable()
    .meta({
      description: 'AI calls with a masking guardrail: replacements per pattern, in the prompt and answer',
    }),
});

const usageView = z.object({
  bucket: z.string(),
  key: z.string().nullable(),
  calls: z.number(),
  errors4xx: z.number(),
  errors5xx: z.number(),
  p95LatencyMs: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  costUsd: z.number(),
});

export const analyticsRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/logs',
    operationId: 'listCallLogs',
    summary: 'Call logs: calls to the caller’s APIs and calls made by its apps, newest first',
    tag,
    role: 'viewer',
    query: logsQuery,
    response: {
      status: 200,
      description: 'A page of call-log records and the cursor of the next page (null at the end)',
      schema: pageOf(logView),
    },
    handler: async ({ ctx, principal, query }) => {
      checkRange(query.from, query.to);
      if (
        query.statusMin !== undefined &&
        query.statusMax !== undefined &&
        query.statusMin > query.statusMax
      ) {
        throw validationFailed([{ in: 'query', field: 'statusMin', message: 'must not be above statusMax' }]);
      }
      return listCallLogs(ctx.store.db, principal, query, cursorId(query.cursor));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/usage',
    operationId: 'getUsage',
    summary:
      'Usage per API, app or tenant and time bucket (UTC): calls, errors, p95 latency, bytes, tokens, cost',
    tag,
    role: 'viewer',
    query: usageQuery,
    response: {
      status: 200,
      description: 'One row per bucket and group',
      schema: z.object({ items: z.array(usageView) }),
    },
    handler: async ({ ctx, principal, query }) => {
      const to = query.to ?? Date.now();
      const from = query.from ?? to - 86_400_000;
      checkRange(from, to);
      return {
        items: await usage(ctx.store.db, principal, {
          groupBy: query.groupBy,
          interval: query.interval,
          from,
          to,
          apiId: query.apiId,
          appId: query.appId,
        }),
      };
    },
  }),
];
