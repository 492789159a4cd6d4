// Webhooks and their delivery log in the store. The signing secret stays sealed here; only the dispatcher opens it.
import type { Kysely, Selectable } from 'kysely';
import { newestFirst } from '../analytics/keyset.js';
import type { Database, WebhookDeliveryTable, WebhookTable } from '../store/schema.js';
import type { WebhookEvent } from './events.js';

type Db = Kysely<Database>;

export interface WebhookView {
  id: string;
  tenantId: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export const webhookView = (r: WebhookTable): WebhookView => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  url: r.url,
  events: JSON.parse(r.events) as WebhookEvent[],
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function findWebhookRow(db: Db, id: string): Promise<WebhookTable | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listWebhooks(db: Db, tenantId: string | null): Promise<WebhookView[]> {
  let q = db.selectFrom('webhooks').selectAll();
  if (tenantId !== null) q = q.where('tenant_id', '=', tenantId);
  return (await q.execute()).map(webhookView);
}

export async function insertWebhook(db: Db, row: WebhookTable): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function updateWebhook(db: Db, view: WebhookView): Promise<void> {
  await db
    .updateTable('webhooks')
    .set({
      name: view.name,
      url: view.url,
      events: JSON.stringify(view.events),
      enabled: view.enabled ? 1 : 0,
      updated_at: view.updatedAt,
    })
    .where('id', '=', view.id)
    .execute();
}

export async function deleteWebhook(db: Db, id: string): Promise<void> {
  await db.deleteFrom('webhooks').where('id', '=', id).execute();
}

const ms = (v: number | string | null) => (v === null ? null : new Date(Number(v)).toISOString());

export function deliveryView(r: Selectable<WebhookDeliveryTable>) {
  return {
    id: Number(r.id),
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.event_type,
    createdAt: ms(r.ts)!,
    status: r.status as 'pending' | 'delivered' | 'failed',
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? ms(r.next_attempt_at) : null,
    lastAttemptAt: ms(r.last_attempt_at),
    responseStatus: r.response_status,
    error: r.error,
    deliveredAt: ms(r.delivered_at),
  };
}

export async function listDeliveries(
  db: Db,
  webhookId: string,
  filter: { status?: string; eventType?: string; limit: number },
  cursorId: number | null,
) {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.eventType) q = q.where('event_type', '=', filter.eventType);
  return newestFirst(q, { limit: filter.limit }, cursorId, deliveryView);
}
