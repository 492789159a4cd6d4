// Spend budgets on a tenant's AI models: a cap in USD per day and per month on what one consumer app, or one
// consumer tenant across its apps, may spend on them. Reached → 429 budget_exceeded (docs/ai.md).
import { z } from 'zod';
import { budgetScopes } from '../../ai/budgets.js';
import type { Store } from '../../store/db.js';
import { newId, nowIso } from '../../store/ids.js';
import type { AiBudgetTable } from '../../store/schema.js';
import { owningTenant } from '../access.js';
import { canSee, notFound, type Principal, tenantScope } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { id, idParams, listOf, timestamp } from '../schemas/common.js';
import { write } from '../write.js';

const tag = 'ai';
const TAKEN = 'this consumer already has a budget on your models; change that one';

const usd = z.number().min(0).max(1_000_000_000).nullable();

export const budgetCreate = z
  .object({
    tenantId: id
      .optional()
      .meta({ description: 'Required with the platform token; implied by a tenant token.' }),
    scope: z
      .enum(budgetScopes)
      .meta({ description: '`app`: one consumer app; `tenant`: all apps of a consumer tenant.' }),
    scopeId: id.meta({ description: 'The app id or the consumer tenant id.' }),
    usdPerDay: usd.default(null).meta({ description: 'USD per UTC day; null: no daily cap' }),
    usdPerMonth: usd.default(null).meta({ description: 'USD per UTC month; null: no monthly cap' }),
  })
  .strict();

export const budgetPatch = z.object({ usdPerDay: usd, usdPerMonth: usd }).partial().strict();

export const budgetView = z.object({
  id,
  tenantId: id,
  scope: z.enum(budgetScopes),
  scopeId: id,
  usdPerDay: z.number().nullable(),
  usdPerMonth: z.number().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
type BudgetView = z.infer<typeof budgetView>;

function viewOf(r: AiBudgetTable): BudgetView {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    scope: r.scope as BudgetView['scope'],
    scopeId: r.scope_id,
    usdPerDay: r.usd_per_day === null ? null : Number(r.usd_per_day),
    usdPerMonth: r.usd_per_month === null ? null : Number(r.usd_per_month),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function ownBudget(db: Store['db'], principal: Principal, budgetId: string): Promise<BudgetView> {
  const row = await db.selectFrom('ai_budgets').selectAll().where('id', '=', budgetId).executeTakeFirst();
  if (!row || !canSee(principal, row.tenant_id)) throw notFound('budget', budgetId);
  return viewOf(row);
}

export const aiBudgetRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/ai/budgets',
    operationId: 'createAiBudget',
    summary: "Cap a consumer app's or tenant's spend on your AI models per day and month",
    tag,
    role: 'maintainer',
    body: budgetCreate,
    response: { status: 201, description: 'The budget', schema: budgetView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, body }) =>
      write(
        ctx,
        async (trx) => {
          const now = nowIso();
          const row: AiBudgetTable = {
            id: newId('budget'),
            tenant_id: await owningTenant(trx, principal, body.tenantId),
            scope: body.scope,
            scope_id: body.scopeId,
            usd_per_day: body.usdPerDay,
            usd_per_month: body.usdPerMonth,
            created_at: now,
            updated_at: now,
          };
          await trx.insertInto('ai_budgets').values(row).execute();
          return viewOf(row);
        },
        TAKEN,
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/ai/budgets',
    operationId: 'listAiBudgets',
    summary: "List the caller's AI spend budgets (all of them for the platform token)",
    tag,
    role: 'viewer',
    response: { status: 200, description: 'The budgets', schema: listOf(budgetView) },
    handler: async ({ ctx, principal }) => {
      const scope = tenantScope(principal);
      let q = ctx.store.db.selectFrom('ai_budgets').selectAll().orderBy('created_at').orderBy('id');
      if (scope !== null) q = q.where('tenant_id', '=', scope);
      return { items: (await q.execute()).map(viewOf) };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/ai/budgets/:id',
    operationId: 'updateAiBudget',
    summary: 'Change an AI spend budget',
    tag,
    role: 'maintainer',
    params: idParams,
    body: budgetPatch,
    response: { status: 200, description: 'The budget', schema: budgetView },
    errors: ['not_found'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        const current = await ownBudget(trx, principal, params.id);
        const next = { ...current, ...body, updatedAt: nowIso() };
        await trx
          .updateTable('ai_budgets')
          .set({ usd_per_day: next.usdPerDay, usd_per_month: next.usdPerMonth, updated_at: next.updatedAt })
          .where('id', '=', current.id)
          .execute();
        return next;
      }),
  }),
  defineRoute({
    method: 'delete',
    path: '/ai/budgets/:id',
    operationId: 'deleteAiBudget',
    summary: 'Delete an AI spend budget',
    tag,
    role: 'maintainer',
    params: idParams,
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        await ownBudget(trx, principal, params.id);
        await trx.deleteFrom('ai_budgets').where('id', '=', params.id).execute();
      }),
  }),
];
