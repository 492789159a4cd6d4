// Plans: the limits a subscription runs under. Names are unique per API.
import type { Kysely } from 'kysely';
import type { Plan } from '../../domain/types.js';
import { planFromRow } from '../rows.js';
import type { Database, PlanTable } from '../schema.js';

type Db = Kysely<Database>;

/** Statuses in which a subscription still depends on its plan. */
export const liveSubscriptionStatuses = ['pending', 'approved', 'suspended'] as const;

function planToRow(plan: Plan): PlanTable {
  return {
    id: plan.id,
    api_id: plan.apiId,
    name: plan.name,
    rate_limit: plan.rateLimit ? JSON.stringify(plan.rateLimit) : null,
    quota: plan.quota ? JSON.stringify(plan.quota) : null,
    created_at: plan.createdAt,
    updated_at: plan.updatedAt,
  };
}

export async function insertPlan(db: Db, plan: Plan): Promise<void> {
  await db.insertInto('plans').values(planToRow(plan)).execute();
}

export async function updatePlan(db: Db, plan: Plan): Promise<void> {
  const { id, api_id: _api, created_at: _created, ...changes } = planToRow(plan);
  await db.updateTable('plans').set(changes).where('id', '=', id).execute();
}

/** The plan with the tenant that owns its API (the plan's owner). */
export async function findPlan(db: Db, id: string): Promise<{ plan: Plan; tenantId: string } | undefined> {
  const row = await db
    .selectFrom('plans')
    .innerJoin('apis', 'apis.id', 'plans.api_id')
    .selectAll('plans')
    .select('apis.tenant_id as owner_tenant_id')
    .where('plans.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { owner_tenant_id, ...plan } = row;
  return { plan: planFromRow(plan), tenantId: owner_tenant_id };
}

export async function listPlans(db: Db, apiIds: readonly string[]): Promise<Plan[]> {
  if (apiIds.length === 0) return [];
  const rows = await db
    .selectFrom('plans')
    .selectAll()
    .where('api_id', 'in', [...apiIds])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(planFromRow);
}

export async function deletePlan(db: Db, id: string): Promise<void> {
  await db.deleteFrom('plans').where('id', '=', id).execute();
}

export async function countLiveSubscriptions(db: Db, planId: string): Promise<number> {
  const row = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('plan_id', '=', planId)
    .where('status', 'in', [...liveSubscriptionStatuses])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
