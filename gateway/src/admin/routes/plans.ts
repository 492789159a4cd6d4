// Plans of an API: created and listed under the API, changed and deleted by their own id.
import { z } from 'zod';
import type { Plan } from '../../domain/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { newId, nowIso } from '../../store/ids.js';
import {
  countLiveSubscriptions,
  deletePlan,
  insertPlan,
  listPlans,
  updatePlan,
} from '../../store/repos/plans.js';
import { ownApi, ownPlan } from '../access.js';
import { defineRoute, type RouteDef } from '../route.js';
import { idParams } from '../schemas/common.js';
import { planCreate, planPatch, planView } from '../schemas/plans.js';
import { listQuery, paged, pageOf } from '../schemas/query.js';
import { write } from '../write.js';

const tag = 'plans';
const nameTaken = (name: string | undefined) => `the API already has a plan named "${name}"`;

export const planRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/apis/:id/plans',
    operationId: 'createPlan',
    summary: 'Add a plan to an API',
    tag,
    role: 'maintainer',
    params: idParams,
    body: planCreate,
    response: { status: 201, description: 'The plan', schema: planView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params, body }) =>
      write(
        ctx,
        async (trx) => {
          const api = await ownApi(trx, principal, params.id);
          const now = nowIso();
          const plan: Plan = {
            id: newId('plan'),
            apiId: api.id,
            name: body.name,
            rateLimit: body.rateLimit ?? null,
            quota: body.quota ?? null,
            createdAt: now,
            updatedAt: now,
          };
          await insertPlan(trx, plan);
          return plan;
        },
        nameTaken(body.name),
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/apis/:id/plans',
    operationId: 'listPlans',
    summary: "List an API's plans",
    tag,
    role: 'viewer',
    params: idParams,
    query: listQuery({ name: z.string().max(100).optional() }),
    response: { status: 200, description: 'A page of plans', schema: pageOf(planView) },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params, query }) => {
      const api = await ownApi(ctx.store.db, principal, params.id);
      return paged(await listPlans(ctx.store.db, [api.id]), query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/plans/:id',
    operationId: 'getPlan',
    summary: 'Get a plan',
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The plan', schema: planView },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) => ownPlan(ctx.store.db, principal, params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/plans/:id',
    operationId: 'updatePlan',
    summary: 'Change a plan (takes effect for its subscriptions at once)',
    tag,
    role: 'maintainer',
    params: idParams,
    body: planPatch,
    response: { status: 200, description: 'The plan', schema: planView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params, body }) =>
      write(
        ctx,
        async (trx) => {
          const current = await ownPlan(trx, principal, params.id);
          const plan: Plan = { ...current, ...body, updatedAt: nowIso() } as Plan;
          await updatePlan(trx, plan);
          return plan;
        },
        nameTaken(body.name),
      ),
  }),
  defineRoute({
    method: 'delete',
    path: '/plans/:id',
    operationId: 'deletePlan',
    summary: 'Delete a plan no live subscription uses',
    tag,
    role: 'maintainer',
    params: idParams,
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        const plan = await ownPlan(trx, principal, params.id);
        // Deleting it would cascade to subscriptions that still run under it; revoke or move them first.
        const live = await countLiveSubscriptions(trx, plan.id);
        if (live > 0)
          throw new GatewayError(
            'conflict',
            `${live} pending, approved or suspended subscriptions use this plan`,
          );
        await deletePlan(trx, plan.id);
      }),
  }),
];
