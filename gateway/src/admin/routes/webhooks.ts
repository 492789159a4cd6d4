// Webhooks of a tenant (docs/webhooks.md): where events are POSTed, signed with a secret shown once at creation
// and stored sealed; a test delivery, and the delivery log with each attempt's outcome.
import { z } from 'zod';
import { webhookSecretBox } from '../../ai/secret-box.js';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { Store } from '../../store/db.js';
import { newId, nowIso } from '../../store/ids.js';
import { NOT_PUBLIC, WebhookAddressGuard } from '../../webhooks/address-guard.js';
import { raiseEvent, webhookEvents } from '../../webhooks/events.js';
import { newWebhookSecret } from '../../webhooks/signature.js';
import {
  deleteWebhook,
  deliveryView,
  findWebhookRow,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  updateWebhook,
  type WebhookView,
  webhookView,
} from '../../webhooks/store.js';
import { owningTenant } from '../access.js';
import { assertUrlsAllowed } from '../outbound-urls.js';
import { canSee, notFound, type Principal, tenantScope } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { id, idParams, name, timestamp } from '../schemas/common.js';
import { cursorId, listQuery, paged, pageFields, pageOf } from '../schemas/query.js';
import { validationFailed } from '../validation.js';
import { write } from '../write.js';

const tag = 'webhooks';
const NAME_TAKEN = 'the tenant already has a webhook with this name';

const url = z
  .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
  .max(2000)
  .refine((u) => !u.includes('#'), 'must not have a fragment')
  .meta({ example: 'https://hooks.example.com/gateway' });
const events = z
  .array(z.enum(webhookEvents))
  .min(1)
  .max(webhookEvents.length)
  .transform((list) => [...new Set(list)])
  .meta({ description: 'The event types sent to this webhook (docs/webhooks.md).' });

const webhookCreate = z
  .object({
    tenantId: id
      .optional()
      .meta({ description: 'Required with the platform token; implied by a tenant token.' }),
    name,
    url,
    events,
    enabled: z.boolean().default(true),
  })
  .strict();
const webhookPatch = z.object({ name, url, events, enabled: z.boolean() }).partial().strict();

const view = z.object({
  id,
  tenantId: id,
  name: z.string(),
  url: z.string(),
  events: z.array(z.enum(webhookEvents)),
  enabled: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
const created = view.extend({
  secret: z.string().meta({ description: 'The signing secret: shown once, here; store it now.' }),
});
const delivery = z.object({
  id: z.number().int(),
  webhookId: id,
  eventId: z.string(),
  eventType: z.string(),
  createdAt: timestamp,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: timestamp.nullable(),
  lastAttemptAt: timestamp.nullable(),
  responseStatus: z.number().int().nullable(),
  error: z.string().nullable().meta({ description: "The last failed attempt's reason" }),
  deliveredAt: timestamp.nullable(),
});
const deliveryQuery = z
  .object({
    status: z.enum(['pending', 'delivered', 'failed']).optional(),
    eventType: z.string().max(64).optional(),
    ...pageFields(),
  })
  .strict();

/** Write-time half of the guard: the shared checks (metadata, the gateway itself), then public addresses only. */
function assertWebhookUrl(ctx: GatewayContext, value: string): void {
  assertUrlsAllowed(ctx, [{ field: 'url', url: value }]);
  if (new WebhookAddressGuard(ctx.env.UPSTREAM_ALLOW).checkUrl(value)) {
    throw validationFailed([{ in: 'body', field: 'url', message: NOT_PUBLIC }]);
  }
}

async function ownWebhook(db: Store['db'], principal: Principal, webhookId: string): Promise<WebhookView> {
  const row = await findWebhookRow(db, webhookId);
  if (!row || !canSee(principal, row.tenant_id)) throw notFound('webhook', webhookId);
  return webhookView(row);
}

export const webhookRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhook',
    summary: 'Create a webhook; the answer carries its signing secret, shown only this once',
    tag,
    role: 'maintainer',
    body: webhookCreate,
    response: { status: 201, description: 'The webhook and its secret', schema: created },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, body }) => {
      assertWebhookUrl(ctx, body.url);
      return write(
        ctx,
        async (trx) => {
          const tenantId = await owningTenant(trx, principal, body.tenantId);
          const now = nowIso();
          const webhookId = newId('webhook');
          const secret = newWebhookSecret();
          await insertWebhook(trx, {
            id: webhookId,
            tenant_id: tenantId,
            name: body.name,
            url: body.url,
            events: JSON.stringify(body.events),
            enabled: body.enabled ? 1 : 0,
            secret_sealed: webhookSecretBox(ctx.env).seal(secret, webhookId),
            created_at: now,
            updated_at: now,
          });
          return { ...(await ownWebhook(trx, principal, webhookId)), secret };
        },
        NAME_TAKEN,
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhooks',
    summary: "List the caller's webhooks (all of them for the platform token)",
    tag,
    role: 'viewer',
    query: listQuery({ tenantId: id.optional(), name: z.string().max(100).optional() }),
    response: { status: 200, description: 'A page of webhooks', schema: pageOf(view) },
    handler: async ({ ctx, principal, query }) =>
      paged(await listWebhooks(ctx.store.db, tenantScope(principal)), query),
  }),
  defineRoute({
    method: 'get',
    path: '/webhooks/:id',
    operationId: 'getWebhook',
    summary: 'Get a webhook (never its secret)',
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The webhook', schema: view },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) => ownWebhook(ctx.store.db, principal, params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/webhooks/:id',
    operationId: 'updateWebhook',
    summary: 'Change a webhook (name, URL, events, enabled)',
    tag,
    role: 'maintainer',
    params: idParams,
    body: webhookPatch,
    response: { status: 200, description: 'The webhook', schema: view },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params, body }) => {
      if (body.url) assertWebhookUrl(ctx, body.url);
      return write(
        ctx,
        async (trx) => {
          const current = await ownWebhook(trx, principal, params.id);
          await updateWebhook(trx, { ...current, ...body, updatedAt: nowIso() });
          return ownWebhook(trx, principal, current.id);
        },
        NAME_TAKEN,
      );
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/webhooks/:id',
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook and its delivery log (pending deliveries are dropped)',
    tag,
    role: 'maintainer',
    params: idParams,
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        await ownWebhook(trx, principal, params.id);
        await deleteWebhook(trx, params.id);
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/webhooks/:id/test',
    operationId: 'testWebhook',
    summary: 'Queue a `webhook.test` event for this webhook (sent, signed and retried like any other)',
    tag,
    role: 'developer',
    params: idParams,
    response: {
      status: 202,
      description: 'The queued delivery; follow it in the delivery log',
      schema: delivery,
    },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        const hook = await ownWebhook(trx, principal, params.id);
        const [deliveryId] = await raiseEvent(
          trx,
          [hook.tenantId],
          'webhook.test',
          { webhook: { id: hook.id, name: hook.name } },
          hook.id,
        );
        if (deliveryId === undefined) throw new GatewayError('conflict', 'the webhook is disabled');
        const row = await trx
          .selectFrom('webhook_deliveries')
          .selectAll()
          .where('id', '=', deliveryId)
          .executeTakeFirstOrThrow();
        return deliveryView(row);
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: "A webhook's delivery log, newest first: status, attempts, the last attempt's outcome",
    tag,
    role: 'viewer',
    params: idParams,
    query: deliveryQuery,
    response: { status: 200, description: 'A page of deliveries', schema: pageOf(delivery) },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params, query }) => {
      const hook = await ownWebhook(ctx.store.db, principal, params.id);
      return listDeliveries(ctx.store.db, hook.id, query, cursorId(query.cursor));
    },
  }),
];
