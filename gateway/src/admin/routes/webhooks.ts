// Webhooks of a tenant (docs/webhooks.md): where events are POSTed, signed with a secret shown once at creation
// and stored sealed; a test delivery, and the delivery log with each attempt's outcome.
import { z } from 'zod';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { keyHint, webhookSecretBox } from '../../security/secret-box.js';
import type { Store } from '../../store/db.js';
import { newId, nowIso } from '../../store/ids.js';
import { NOT_PUBLIC, WebhookAddressGuard } from '../../webhooks/address-guard.js';
import { raiseEvent } from '../../webhooks/events.js';
import { newWebhookSecret } from '../../webhooks/signature.js';
import {
  deleteWebhook,
  deliveryView,
  findWebhookRow,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookView,
  webhookView,
} from '../../webhooks/store.js';
import { owningTenant } from '../access.js';
import { assertUrlsAllowed } from '../outbound-urls.js';
import { canSee, notFound, type Principal, tenantScope } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { id, idParams } from '../schemas/common.js';
import { cursorId, listQuery, paged, pageOf } from '../schemas/query.js';
import {
  webhookWithSecret as created,
  webhookDelivery as delivery,
  webhookDeliveryQuery as deliveryQuery,
  webhookView as view,
  webhookCreate,
  webhookPatch,
  webhookRotate,
} from '../schemas/webhooks.js';
import { validationFailed } from '../validation.js';
import { write } from '../write.js';

const tag = 'webhooks';
const NAME_TAKEN = 'the tenant already has a webhook with this name';

/** Write-time half of the guard: the shared checks (metadata, the gateway itself), then public addresses only. */
function assertWebhookUrl(ctx: GatewayContext, value: string): void {
  assertUrlsAllowed(ctx, [{ field: 'url', url: value }]);
  if (new WebhookAddressGuard(ctx.env.UPSTREAM_ALLOW).checkUrl(value)) {
    throw validationFailed([{ in: 'body', field: 'url', message: NOT_PUBLIC }]);
  }
}

/** The secret sealed to this webhook's id, and its hint; a caller's own secret or a new one. */
function sealed(ctx: GatewayContext, webhookId: string, given: string | undefined) {
  const secret = given ?? newWebhookSecret();
  return { secret, sealed: webhookSecretBox(ctx.env).seal(secret, webhookId), hint: keyHint(secret) };
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
          const { secret, ...seal } = sealed(ctx, webhookId, body.secret);
          await insertWebhook(trx, {
            id: webhookId,
            tenant_id: tenantId,
            name: body.name,
            url: body.url,
            events: JSON.stringify(body.events),
            enabled: body.enabled ? 1 : 0,
            secret_sealed: seal.sealed,
            secret_hint: seal.hint,
            previous_secret_sealed: null,
            previous_secret_expires_at: null,
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
    path: '/webhooks/:id/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary:
      'Roll the signing secret: the new one (yours or generated, shown once) signs at once, the old one beside it for the grace period',
    tag,
    role: 'maintainer',
    params: idParams,
    body: webhookRotate,
    response: { status: 200, description: 'The webhook and its new secret', schema: created },
    errors: ['not_found'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        await ownWebhook(trx, principal, params.id);
        const row = (await findWebhookRow(trx, params.id))!;
        const { secret, ...seal } = sealed(ctx, row.id, body.secret);
        await rotateWebhookSecret(trx, row, {
          ...seal,
          previousExpiresAt: Date.now() + body.graceSeconds * 1000,
          updatedAt: nowIso(),
        });
        return { ...(await ownWebhook(trx, principal, row.id)), secret };
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
    method: 'post',
    path: '/webhooks/:id/deliveries/:deliveryId/redeliver',
    operationId: 'redeliverWebhookDelivery',
    summary:
      'Send a delivery again (a failed one after fixing the receiver): a new delivery, same event id and body',
    tag,
    role: 'developer',
    params: z
      .object({ id, deliveryId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })
      .strict(),
    response: {
      status: 202,
      description: 'The new delivery; follow it in the delivery log',
      schema: delivery,
    },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        const hook = await ownWebhook(trx, principal, params.id);
        if (!hook.enabled) throw new GatewayError('conflict', 'the webhook is disabled');
        const again = await redeliver(trx, hook.id, params.deliveryId);
        if (!again) throw notFound('delivery', String(params.deliveryId));
        return again;
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
