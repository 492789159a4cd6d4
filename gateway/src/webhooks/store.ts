// Webhooks and their delivery log in the store. The signing secret stays sealed here; only the dispatcher opens it.
import type { Kysely, Selectable } from 'kysely';
import { newestFirst } from '../analytics/keyset.js';
import type { Database, WebhookDeliveryTable, WebhookTable } from '../store/schema.js';
import type { WebhookEvent } from './events.js';

type Db = Kysely<Database>;

const ms = (v: number | string | null) => (v === null ? null : new Date(Number(v)).toISOString());

export interface WebhookView {
  id: string;
  tenantId: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  secretHint: string;
  previousSecretExpiresAt: string | null;
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
  secretHint: r.secret_hint,
  previousSecretExpiresAt: previousSecretLive(r) ? ms(r.previous_secret_expires_at) : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A rotated-out secret signs beside the new one until its expiry. */
export function previousSecretLive(r: WebhookTable, now = Date.now()): boolean {
  return r.previous_secret_sealed !== null && Number(r.previous_secret_expires_at) > now;
}

/** The new secret signs at once; the current one is kept as the previous until `previousExpiresAt`. */
export async function rotateWebhookSecret(
  db: Db,
  row: WebhookTable,
  next: { sealed: string; hint: string; previousExpiresAt: number; updatedAt: string },
): Promise<void> {
  const keepPrevious = next.previousExpiresAt > Date.now();
  await db
    .updateTable('webhooks')
    .set({
      secret_sealed: next.sealed,
      secret_hint: next.hint,
      previous_secret_sealed: keepPrevious ? row.secret_sealed : null,
      previous_secret_expires_at: keepPrevious ? next.previousExpiresAt : null,
      updated_at: next.updatedAt,
    })
    .where('id', '=', row.id)
    .execute();
}

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

/**
 * Sends an earlier delivery's event again, as a new delivery with the same event id and body (receivers that
 * de-duplicate by event id see a repeat), so the first delivery's attempts stay in the log as they were.
 */
export async function redeliver(db: Db, webhookId: string, deliveryId: number) {
  const original = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', deliveryId)
    .where('webhook_id', '=', webhookId)
    .executeTakeFirst();
  if (!original) return undefined;
  const row = await db
    .insertInto('webhook_deliveries')
    .values(
      pendingDelivery(
        webhookId,
        original.event_id,
        original.event_type,
        original.payload,
        Number(original.ts),
      ),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return deliveryView(row);
}

/** A delivery row as the outbox holds it before its first attempt: due now. */
export function pendingDelivery(
  webhookId: string,
  eventId: string,
  eventType: string,
  payload: string,
  ts: number,
) {
  return {
    webhook_id: webhookId,
    event_id: eventId,
    event_type: eventType,
    payload,
    ts,
    status: 'pending',
    attempts: 0,
    next_attempt_at: Date.now(),
    last_attempt_at: null,
    response_status: null,
    error: null,
    delivered_at: null,
  };
}
