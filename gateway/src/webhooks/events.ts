// Webhook events and the one way they are raised: inside the transaction of the change that caused them, a
// delivery row per matching webhook (the outbox), so an event commits or rolls back with its cause and a restart
// loses nothing pending. The dispatcher (dispatcher.ts) sends them.
import type { Kysely } from 'kysely';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { pendingDelivery } from './store.js';

export const webhookEvents = [
  'subscription.requested',
  'subscription.approved',
  'subscription.rejected',
  'subscription.revoked',
  'key.expiring',
  'quota.warning',
  'quota.exhausted',
  'webhook.test',
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/** What a receiver gets: one JSON object per event, the same bytes on every attempt. */
export interface EventEnvelope {
  id: string;
  type: WebhookEvent;
  createdAt: string;
  tenantId: string;
  data: Record<string, unknown>;
}

/**
 * Queues `type` for every enabled webhook of the given tenants that subscribed to it (or only `webhookId`).
 * Each tenant gets its own envelope (its own tenantId). Returns the delivery ids.
 */
export async function raiseEvent(
  db: Kysely<Database>,
  tenantIds: readonly string[],
  type: WebhookEvent,
  data: Record<string, unknown>,
  webhookId?: string,
): Promise<number[]> {
  const tenants = [...new Set(tenantIds)];
  if (tenants.length === 0) return [];
  let q = db
    .selectFrom('webhooks')
    .select(['id', 'tenant_id', 'events'])
    .where('tenant_id', 'in', tenants)
    .where('enabled', '=', 1);
  if (webhookId) q = q.where('id', '=', webhookId);
  const hooks = (await q.execute()).filter(
    (h) => webhookId !== undefined || (JSON.parse(h.events) as string[]).includes(type),
  );
  const now = Date.now();
  const envelopes = new Map<string, EventEnvelope>();
  const ids: number[] = [];
  for (const hook of hooks) {
    let envelope = envelopes.get(hook.tenant_id);
    if (!envelope) {
      const createdAt = new Date(now).toISOString();
      envelope = { id: newId('event'), type, createdAt, tenantId: hook.tenant_id, data };
      envelopes.set(hook.tenant_id, envelope);
    }
    const row = await db
      .insertInto('webhook_deliveries')
      .values(pendingDelivery(hook.id, envelope.id, type, JSON.stringify(envelope), now))
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(Number(row.id));
  }
  return ids;
}

/**
 * Records a one-off notice (a key's expiry, a quota threshold in a window) for a tenant: true the first time,
 * false once any replica has recorded it, so the event it guards is raised once.
 */
export async function firstNotice(db: Kysely<Database>, tenantId: string, notice: string): Promise<boolean> {
  const result = await db
    .insertInto('webhook_notices')
    .values({ tenant_id: tenantId, notice, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['tenant_id', 'notice']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

const byStatus: Partial<Record<string, WebhookEvent>> = {
  pending: 'subscription.requested',
  approved: 'subscription.approved',
  rejected: 'subscription.rejected',
  revoked: 'subscription.revoked',
};

/**
 * A subscription reached `status`: both sides hear of it (the provider decides, the consumer waits), each
 * tenant once when it is on both sides. An application that is approved at once is requested, then approved.
 */
export async function raiseSubscriptionEvent(
  db: Kysely<Database>,
  subscription: { status: string; id: string; appId: string; apiId: string },
  tenants: { appTenantId: string; apiTenantId: string },
  created = false,
): Promise<void> {
  const data = { subscription, appTenantId: tenants.appTenantId, apiTenantId: tenants.apiTenantId };
  const sides = [tenants.apiTenantId, tenants.appTenantId];
  if (created && subscription.status !== 'pending') {
    await raiseEvent(db, sides, 'subscription.requested', data);
  }
  const type = byStatus[subscription.status];
  if (type) await raiseEvent(db, sides, type, data);
}
