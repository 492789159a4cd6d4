// AI models of a tenant: a public name clients ask for, mapped to a provider and an upstream model, with
// prices per 1k tokens and an optional fallback model.
import { z } from 'zod';
import {
  deleteModel,
  findModelRow,
  findProvider,
  insertModel,
  listModels,
  type ModelView,
  makesCycle,
  updateModel,
} from '../../ai/ai-store.js';
import { deployment, deployments, modelWeight, routingStrategy } from '../../ai/routing/schema.js';
import type { Store } from '../../store/db.js';
import { newId, nowIso } from '../../store/ids.js';
import { owningTenant } from '../access.js';
import { canSee, notFound, type Principal, tenantScope } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { id, idParams, timestamp } from '../schemas/common.js';
import { listQuery, paged, pageOf } from '../schemas/query.js';
import { type FieldError, validationFailed } from '../validation.js';
import { write } from '../write.js';

const tag = 'ai';
const NAME_TAKEN = 'the tenant already has a model with this name';

const modelName = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    'may only contain A-Z a-z 0-9 . _ : / - and must start with a letter or digit',
  )
  .meta({ example: 'claude', description: 'What clients send as `model`; unique per tenant.' });
const perMinute = (what: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .nullable()
    .meta({ description: `${what} per minute across all consumers of the model; null: no limit` });
const price = z.number().min(0).max(1000).meta({ description: 'USD per 1,000 tokens' });

export const modelCreate = z
  .object({
    tenantId: id
      .optional()
      .meta({ description: 'Required with the platform token; implied by a tenant token.' }),
    name: modelName,
    providerId: id,
    upstreamModel: z.string().min(1).max(200).meta({ example: 'claude-sonnet-4-5' }),
    inputPricePer1k: price.default(0),
    outputPricePer1k: price.default(0),
    fallbackModelId: id.nullable().default(null),
    tokensPerMinute: perMinute('Tokens').default(null),
    requestsPerMinute: perMinute('Requests').default(null),
    routing: routingStrategy.default('weighted'),
    weight: modelWeight.default(1),
    deployments: deployments.default([]),
  })
  .strict();

export const modelPatch = z
  .object({
    name: modelName,
    providerId: id,
    upstreamModel: z.string().min(1).max(200),
    inputPricePer1k: price,
    outputPricePer1k: price,
    fallbackModelId: id.nullable(),
    tokensPerMinute: perMinute('Tokens'),
    requestsPerMinute: perMinute('Requests'),
    routing: routingStrategy,
    weight: modelWeight,
    deployments,
  })
  .partial()
  .strict();

export const modelView = z.object({
  id,
  tenantId: id,
  name: z.string(),
  providerId: id,
  upstreamModel: z.string(),
  inputPricePer1k: z.number(),
  outputPricePer1k: z.number(),
  fallbackModelId: id.nullable(),
  tokensPerMinute: z.number().int().nullable(),
  requestsPerMinute: z.number().int().nullable(),
  routing: routingStrategy,
  weight: z.number().int(),
  deployments: z.array(deployment),
  createdAt: timestamp,
  updatedAt: timestamp,
});

async function ownModel(db: Store['db'], principal: Principal, modelId: string): Promise<ModelView> {
  const model = await findModelRow(db, modelId);
  if (!model || !canSee(principal, model.tenantId)) throw notFound('model', modelId);
  return model;
}

/** The provider and the fallback must be the model's tenant's, and the fallback chain must not loop. */
async function checkReferences(db: Store['db'], m: ModelView): Promise<void> {
  const errors: FieldError[] = [];
  const provider = await findProvider(db, m.providerId);
  if (provider?.tenantId !== m.tenantId)
    errors.push({
      in: 'body',
      field: 'providerId',
      message: `${m.providerId} is not a provider of this tenant`,
    });
  const served = new Set([`${m.providerId} ${m.upstreamModel}`]);
  for (const [i, d] of m.deployments.entries()) {
    const field = `deployments[${i}]`;
    if ((await findProvider(db, d.providerId))?.tenantId !== m.tenantId)
      errors.push({ in: 'body', field, message: `${d.providerId} is not a provider of this tenant` });
    const key = `${d.providerId} ${d.upstreamModel}`;
    if (served.has(key))
      errors.push({ in: 'body', field, message: 'this provider already serves this upstream model here' });
    served.add(key);
  }
  if (m.fallbackModelId !== null) {
    const fallback = await findModelRow(db, m.fallbackModelId);
    if (fallback?.tenantId !== m.tenantId)
      errors.push({
        in: 'body',
        field: 'fallbackModelId',
        message: `${m.fallbackModelId} is not a model of this tenant`,
      });
    else if (await makesCycle(db, m.id, m.fallbackModelId))
      errors.push({
        in: 'body',
        field: 'fallbackModelId',
        message: 'would make the fallbacks go round in a circle',
      });
  }
  if (errors.length > 0) throw validationFailed(errors);
}

export const aiModelRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/ai/models',
    operationId: 'createAiModel',
    summary: 'Create an AI model (a public name for a provider model, with prices)',
    tag,
    role: 'maintainer',
    body: modelCreate,
    response: { status: 201, description: 'The model', schema: modelView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, body }) =>
      write(
        ctx,
        async (trx) => {
          const { tenantId: requested, ...fields } = body;
          const now = nowIso();
          const model: ModelView = {
            id: newId('model'),
            tenantId: await owningTenant(trx, principal, requested),
            ...fields,
            createdAt: now,
            updatedAt: now,
          };
          await checkReferences(trx, model);
          await insertModel(trx, model);
          return model;
        },
        NAME_TAKEN,
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/ai/models',
    operationId: 'listAiModels',
    summary: "List the caller's AI models (all of them for the platform token)",
    tag,
    role: 'viewer',
    query: listQuery({
      tenantId: id.optional(),
      name: z.string().max(100).optional(),
      providerId: id.optional(),
    }),
    response: { status: 200, description: 'A page of models', schema: pageOf(modelView) },
    handler: async ({ ctx, principal, query }) =>
      paged(await listModels(ctx.store.db, tenantScope(principal)), query),
  }),
  defineRoute({
    method: 'get',
    path: '/ai/models/:id',
    operationId: 'getAiModel',
    summary: 'Get an AI model',
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The model', schema: modelView },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) => ownModel(ctx.store.db, principal, params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/ai/models/:id',
    operationId: 'updateAiModel',
    summary: 'Change an AI model',
    tag,
    role: 'maintainer',
    params: idParams,
    body: modelPatch,
    response: { status: 200, description: 'The model', schema: modelView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params, body }) =>
      write(
        ctx,
        async (trx) => {
          const model: ModelView = {
            ...(await ownModel(trx, principal, params.id)),
            ...body,
            updatedAt: nowIso(),
          };
          await checkReferences(trx, model);
          await updateModel(trx, model);
          return model;
        },
        NAME_TAKEN,
      ),
  }),
  defineRoute({
    method: 'delete',
    path: '/ai/models/:id',
    operationId: 'deleteAiModel',
    summary: 'Delete an AI model (models falling back to it lose their fallback)',
    tag,
    role: 'maintainer',
    params: idParams,
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        await ownModel(trx, principal, params.id);
        await deleteModel(trx, params.id);
      }),
  }),
];
