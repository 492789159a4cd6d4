// Subscriptions: app × API × plan, with the tenants on both sides so callers can decide who may act.
import type { Kysely } from 'kysely';
import type { SubscriptionStatus } from '../../domain/types.js';
import { newId, nowIso } from '../ids.js';
import type { Database, SubscriptionTable } from '../schema.js';
import { liveSubscriptionStatuses } from './plans.js';

type Db = Kysely<Database>;

export interface SubscriptionView {
  id: string;
  appId: string;
  apiId: string;
  planId: string;
  /** A requested plan change waiting for the API owner's approval; `planId` serves until then. */
  pendingPlanId: string | null;
  /** Names of both sides, so the provider's queue can show whom it approves without reading their app. */
  appName: string;
  apiName: string;
  status: SubscriptionStatus;
  reason: string | null;
  comment: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionRecord {
  subscription: SubscriptionView;
  /** The consumer side: may apply and revoke. */
  appTenantId: string;
  /** The provider side: decides. */
  apiTenantId: string;
}

export interface SubscriptionFilter {
  /** Only subscriptions where this tenant is on either side; null = all. */
  tenantId: string | null;
  status?: SubscriptionStatus | undefined;
  apiId?: string | undefined;
  appId?: string | undefined;
}

type Names = { app_name: string; api_name: string };

const view = (r: SubscriptionTable & Names): SubscriptionView => ({
  id: r.id,
  appId: r.app_id,
  apiId: r.api_id,
  planId: r.plan_id,
  pendingPlanId: r.pending_plan_id,
  appName: r.app_name,
  apiName: r.api_name,
  status: r.status as SubscriptionStatus,
  reason: r.reason,
  comment: r.comment,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function withTenants(db: Db) {
  return db
    .selectFrom('subscriptions')
    .innerJoin('apps', 'apps.id', 'subscriptions.app_id')
    .innerJoin('apis', 'apis.id', 'subscriptions.api_id')
    .selectAll('subscriptions')
    .select([
      'apps.tenant_id as app_tenant_id',
      'apis.tenant_id as api_tenant_id',
      'apps.name as app_name',
      'apis.name as api_name',
    ]);
}

export async function findSubscription(db: Db, id: string): Promise<SubscriptionRecord | undefined> {
  const row = await withTenants(db).where('subscriptions.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const { app_tenant_id, api_tenant_id, ...sub } = row;
  return { subscription: view(sub), appTenantId: app_tenant_id, apiTenantId: api_tenant_id };
}

export async function listSubscriptions(db: Db, filter: SubscriptionFilter): Promise<SubscriptionView[]> {
  let query = withTenants(db).orderBy('subscriptions.created_at').orderBy('subscriptions.id');
  const { tenantId, status, apiId, appId } = filter;
  if (tenantId !== null) {
    query = query.where((eb) =>
      eb.or([eb('apps.tenant_id', '=', tenantId), eb('apis.tenant_id', '=', tenantId)]),
    );
  }
  if (status) query = query.where('subscriptions.status', '=', status);
  if (apiId) query = query.where('subscriptions.api_id', '=', apiId);
  if (appId) query = query.where('subscriptions.app_id', '=', appId);
  return (await query.execute()).map(({ app_tenant_id: _a, api_tenant_id: _b, ...row }) => view(row));
}

/** The app's subscription to the API that still counts (pending, approved or suspended), if any. */
export async function findLiveSubscription(
  db: Db,
  appId: string,
  apiId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('subscriptions')
    .select('id')
    .where('app_id', '=', appId)
    .where('api_id', '=', apiId)
    .where('status', 'in', [...liveSubscriptionStatuses])
    .executeTakeFirst();
  return row?.id;
}

export async function insertSubscription(
  db: Db,
  values: {
    appId: string;
    apiId: string;
    planId: string;
    status: SubscriptionStatus;
    reason: string | null;
  } & Names,
): Promise<SubscriptionView> {
  const now = nowIso();
  const row: SubscriptionTable = {
    id: newId('subscription'),
    app_id: values.appId,
    api_id: values.apiId,
    plan_id: values.planId,
    pending_plan_id: null,
    status: values.status,
    reason: values.reason,
    comment: null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('subscriptions').values(row).execute();
  return view({ ...row, app_name: values.app_name, api_name: values.api_name });
}

/** Moves the status only if it is still one of `from` (compare-and-set); false when it was not. */
export async function transitionSubscription(
  db: Db,
  id: string,
  from: readonly SubscriptionStatus[],
  to: SubscriptionStatus,
  comment: string | undefined,
): Promise<boolean> {
  const result = await db
    .updateTable('subscriptions')
    .set({ status: to, updated_at: nowIso(), ...(comment !== undefined ? { comment } : {}) })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Moves a subscription's plan: `planId` and `pendingPlanId` as given, compare-and-set on the pending change the
 * caller saw (so an approval decides the change it was shown, not one made since); false when it moved on.
 */
export async function setSubscriptionPlan(
  db: Db,
  id: string,
  expected: { status: readonly SubscriptionStatus[]; pendingPlanId: string | null },
  next: { planId: string; pendingPlanId: string | null; comment?: string; reason?: string },
): Promise<boolean> {
  let query = db
    .updateTable('subscriptions')
    .set({
      plan_id: next.planId,
      pending_plan_id: next.pendingPlanId,
      updated_at: nowIso(),
      ...(next.comment !== undefined ? { comment: next.comment } : {}),
      ...(next.reason !== undefined ? { reason: next.reason } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', [...expected.status]);
  query =
    expected.pendingPlanId === null
      ? query.where('pending_plan_id', 'is', null)
      : query.where('pending_plan_id', '=', expected.pendingPlanId);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
