// AI providers of a tenant: type, base URL and a pool of upstream keys. Keys are sealed at rest and never
// returned after creation (only a hint); see docs/ai.md.
import { z } from 'zod';
import { providerTypes } from '../../ai/ai-config.js';
import {
  deleteProvider,
  findProvider,
  insertProvider,
  listProviders,
  modelsUsing,
  type ProviderView,
  replaceKeys,
  updateProvider,
} from '../../ai/ai-store.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { providerKeyBox } from '../../security/secret-box.js';
import type { Store } from '../../store/db.js';
import { newId, nowIso } from '../../store/ids.js';
import { owningTenant } from '../access.js';
import { assertUrlsAllowed } from '../outbound-urls.js';
import { canSee, notFound, type Principal, tenantScope } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { id, idParams, name, timestamp } from '../schemas/common.js';
import { listQuery, paged, pageOf } from '../schemas/query.js';
import { validationFailed } from '../validation.js';
import { write } from '../write.js';
import {
  apiVersion,
  azureDeployments,
  headers,
  preset,
  presetDefaults,
  resolveProvider,
} from './ai-provider-options.js';

const tag = 'ai';
const NAME_TAKEN = 'the tenant already has a provider with this name';
const IN_USE = (models: string[]) =>
  `the provider is used by models ${models.join(', ')}; change or delete them first`;

const baseUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
  .max(500)
  .refine((u) => !u.includes('?') && !u.includes('#'), 'must not have a query or fragment')
  .transform((u) => u.replace(/\/+$/, ''))
  .meta({
    example: 'https://api.anthropic.com/v1',
    description:
      'Up to and including the version segment (/v1; Gemini: /v1beta); Azure: the resource, https://<name>.openai.azure.com.',
  });
const priority = z
  .number()
  .int()
  .min(0)
  .max(1000)
  .meta({ description: 'Lower is tried first; equal ones take turns.' });
const maxConnections = z.number().int().min(1).max(10_000).meta({
  description:
    'Connections the gateway opens to this provider at most (its own pool); calls beyond wait, fairly between consumer tenants, within their timeout.',
});
const newKey = z.object({ key: z.string().min(1).max(1000), priority: priority.optional() }).strict();
const keptKey = z.object({ id, priority: priority.optional() }).strict();

export const providerCreate = z
  .object({
    tenantId: id
      .optional()
      .meta({ description: 'Required with the platform token; implied by a tenant token.' }),
    name,
    preset: preset.nullish(),
    type: z.enum(providerTypes).optional().meta({ description: 'Required unless a preset gives it.' }),
    baseUrl: baseUrl.optional().meta({ description: 'Required unless a preset gives it.' }),
    maxConnections: maxConnections.default(128),
    apiVersion: apiVersion.nullish(),
    azureDeployments: azureDeployments.optional(),
    headers: headers.optional(),
    keys: z.array(newKey).min(1).max(32),
  })
  .strict();

export const providerPatch = z
  .object({
    name,
    preset: preset.nullable().meta({
      description:
        "Re-applies a preset: its type and base URL unless given (null: just forget the preset's name).",
    }),
    type: z.enum(providerTypes),
    baseUrl,
    maxConnections,
    apiVersion: apiVersion.nullable(),
    azureDeployments,
    headers,
    keys: z
      .array(z.union([newKey, keptKey]))
      .min(1)
      .max(32)
      .meta({
        description: 'The whole pool: `{id}` keeps a key, `{key}` adds one, keys left out are removed.',
      }),
  })
  .partial()
  .strict();

export const providerView = z.object({
  id,
  tenantId: id,
  name: z.string(),
  type: z.enum(providerTypes),
  baseUrl: z.string(),
  maxConnections: z.number().int(),
  preset: z.string().nullable(),
  apiVersion: z.string().nullable(),
  azureDeployments: z.record(z.string(), z.string()),
  headers: z.record(z.string(), z.string()),
  keys: z.array(z.object({ id, hint: z.string(), priority: z.number().int(), createdAt: timestamp })),
  createdAt: timestamp,
  updatedAt: timestamp,
});

async function ownProvider(db: Store['db'], principal: Principal, providerId: string): Promise<ProviderView> {
  const provider = await findProvider(db, providerId);
  if (!provider || !canSee(principal, provider.tenantId)) throw notFound('provider', providerId);
  return provider;
}

export const aiProviderRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/ai/providers',
    operationId: 'createAiProvider',
    summary: 'Create an AI provider with its key pool (keys are never returned)',
    tag,
    role: 'maintainer',
    body: providerCreate,
    response: { status: 201, description: 'The provider, keys shown by hint only', schema: providerView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, body }) => {
      const resolved = resolveProvider(body);
      // The gateway opens sockets to it: the same SSRF guard as an API's targets.
      assertUrlsAllowed(ctx, [{ field: 'baseUrl', url: resolved.baseUrl }]);
      return write(
        ctx,
        async (trx) => {
          const tenantId = await owningTenant(trx, principal, body.tenantId);
          const now = nowIso();
          const providerId = newId('provider');
          await insertProvider(trx, {
            id: providerId,
            tenantId,
            name: body.name,
            ...resolved,
            maxConnections: body.maxConnections,
            createdAt: now,
            updatedAt: now,
          });
          await replaceKeys(trx, providerKeyBox(ctx.env), providerId, body.keys, now);
          return (await findProvider(trx, providerId))!;
        },
        NAME_TAKEN,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/ai/providers',
    operationId: 'listAiProviders',
    summary: "List the caller's AI providers (all of them for the platform token)",
    tag,
    role: 'viewer',
    query: listQuery({
      tenantId: id.optional(),
      name: z.string().max(100).optional(),
      type: z.string().max(40).optional(),
    }),
    response: { status: 200, description: 'A page of providers', schema: pageOf(providerView) },
    handler: async ({ ctx, principal, query }) =>
      paged(await listProviders(ctx.store.db, tenantScope(principal)), query),
  }),
  defineRoute({
    method: 'get',
    path: '/ai/providers/:id',
    operationId: 'getAiProvider',
    summary: 'Get an AI provider',
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The provider', schema: providerView },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) => ownProvider(ctx.store.db, principal, params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/ai/providers/:id',
    operationId: 'updateAiProvider',
    summary: 'Change an AI provider; `keys` replaces the pool',
    tag,
    role: 'maintainer',
    params: idParams,
    body: providerPatch,
    response: { status: 200, description: 'The provider', schema: providerView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params, body }) => {
      if (body.baseUrl) assertUrlsAllowed(ctx, [{ field: 'baseUrl', url: body.baseUrl }]);
      return write(
        ctx,
        async (trx) => {
          const current = await ownProvider(trx, principal, params.id);
          const now = nowIso();
          const { keys, ...fields } = body;
          const merged = { ...current, ...presetDefaults(fields.preset), ...fields };
          // Azure's fields go with the type: a provider changed to another type drops them.
          const resolved = resolveProvider({
            ...merged,
            preset: null,
            ...(merged.type !== 'azure' && !fields.apiVersion ? { apiVersion: null } : {}),
            ...(merged.type !== 'azure' && !fields.azureDeployments ? { azureDeployments: {} } : {}),
          });
          const named = fields.preset === undefined ? current.preset : fields.preset;
          await updateProvider(trx, { ...merged, ...resolved, preset: named, updatedAt: now });
          if (keys) {
            const unknown = await replaceKeys(trx, providerKeyBox(ctx.env), current.id, keys, now);
            if (unknown.length > 0) {
              throw validationFailed(
                unknown.map((keyId) => ({
                  in: 'body',
                  field: `keys.${keys.findIndex((k) => 'id' in k && k.id === keyId)}.id`,
                  message: `${keyId} is not a key of this provider`,
                })),
              );
            }
          }
          return (await findProvider(trx, current.id))!;
        },
        NAME_TAKEN,
      );
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/ai/providers/:id',
    operationId: 'deleteAiProvider',
    summary: 'Delete an AI provider and its keys (not while a model uses it)',
    tag,
    role: 'maintainer',
    params: idParams,
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        await ownProvider(trx, principal, params.id);
        const models = await modelsUsing(trx, params.id);
        if (models.length > 0) throw new GatewayError('conflict', IN_USE(models));
        await deleteProvider(trx, params.id);
      }),
  }),
];
