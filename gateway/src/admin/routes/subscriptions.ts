// Subscriptions: the app's tenant applies (and may revoke); the API's tenant decides and controls.
import type { Kysely } from 'kysely';
import { type SubscriptionStatus, subscriptionTransitions } from '../../domain/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { findApi } from '../../store/repos/apis.js';
import { findPlan } from '../../store/repos/plans.js';
import {
  findLiveSubscription,
  findSubscription,
  insertSubscription,
  listSubscriptions,
  type SubscriptionRecord,
  setSubscriptionPlan,
  transitionSubscription,
} from '../../store/repos/subscriptions.js';
import type { Database } from '../../store/schema.js';
import { raiseSubscriptionEvent } from '../../webhooks/events.js';
import { ownApp } from '../access.js';
import { canSee, hasRole, notFound, type Principal, tenantScope } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { comment, idParams } from '../schemas/common.js';
import { paged, pageOf } from '../schemas/query.js';
import {
  subscriptionCreate,
  subscriptionFilter,
  subscriptionPlanChange,
  subscriptionView,
} from '../schemas/subscriptions.js';
import { validationFailed } from '../validation.js';
import { write } from '../write.js';

const tag = 'subscriptions';
type Action = keyof typeof subscriptionTransitions;

/** Either side of a subscription may see it; anyone else gets the same 404 as for a missing id. */
async function visibleSubscription(db: Kysely<Database>, principal: Principal, id: string) {
  const record = await findSubscription(db, id);
  if (!record || !(canSee(principal, record.appTenantId) || canSee(principal, record.apiTenantId))) {
    throw notFound('subscription', id);
  }
  return record;
}

function assertMayAct(principal: Principal, record: SubscriptionRecord, action: Action): void {
  if (canSee(principal, record.apiTenantId)) return;
  // The consumer may walk away from its own subscription, but only the provider decides the rest.
  if (action === 'revoke' && canSee(principal, record.appTenantId)) return;
  throw new GatewayError('forbidden', `only the API's tenant may ${action} this subscription`);
}

const actions = (Object.keys(subscriptionTransitions) as Action[]).map((action) => {
  const rule = subscriptionTransitions[action];
  return defineRoute({
    method: 'post',
    path: `/subscriptions/:id/${action}`,
    operationId: `${action}Subscription`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a subscription (${rule.from.join('|')} → ${rule.to})`,
    tag,
    role: action === 'revoke' ? 'developer' : 'maintainer',
    params: idParams,
    body: comment,
    response: { status: 200, description: 'The subscription in its new status', schema: subscriptionView },
    errors: ['not_found', 'forbidden', 'illegal_transition'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        const record = await visibleSubscription(trx, principal, params.id);
        assertMayAct(principal, record, action);
        const current = record.subscription;
        if (!(await transitionSubscription(trx, current.id, rule.from, rule.to, body.comment))) {
          throw new GatewayError(
            'illegal_transition',
            `cannot ${action} a subscription that is ${current.status}`,
          );
        }
        const updated = (await findSubscription(trx, current.id))!;
        await raiseSubscriptionEvent(trx, updated.subscription, updated);
        return updated.subscription;
      }),
  });
});

/** Statuses whose plan may change: an application not yet decided, or a subscription that serves or may again. */
const PLAN_CHANGEABLE: readonly SubscriptionStatus[] = ['pending', 'approved', 'suspended'];
const MOVED_ON = 'the subscription changed meanwhile; read it again and retry';

/** The API owner decides a requested plan change: the new plan serves from now on, or the current one stays. */
const planDecisions = (['approve', 'reject'] as const).map((decision) =>
  defineRoute({
    method: 'post',
    path: `/subscriptions/:id/plan-change/${decision}`,
    operationId: `${decision}PlanChange`,
    summary:
      decision === 'approve'
        ? 'Approve the requested plan change: the new plan serves from now on'
        : 'Reject the requested plan change: the current plan keeps serving',
    tag,
    role: 'maintainer',
    params: idParams,
    body: comment,
    response: { status: 200, description: 'The subscription after the decision', schema: subscriptionView },
    errors: ['not_found', 'forbidden', 'illegal_transition'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        const record = await visibleSubscription(trx, principal, params.id);
        if (!canSee(principal, record.apiTenantId))
          throw new GatewayError('forbidden', `only the API's tenant may ${decision} a plan change`);
        const current = record.subscription;
        if (current.pendingPlanId === null)
          throw new GatewayError('illegal_transition', 'no plan change is waiting for a decision');
        const planId = decision === 'approve' ? current.pendingPlanId : current.planId;
        const expected = { status: PLAN_CHANGEABLE, pendingPlanId: current.pendingPlanId };
        if (!(await setSubscriptionPlan(trx, current.id, expected, { planId, pendingPlanId: null, ...body })))
          throw new GatewayError('conflict', MOVED_ON);
        return (await findSubscription(trx, current.id))!.subscription;
      }),
  }),
);

export const subscriptionRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/subscriptions',
    operationId: 'applyForSubscription',
    summary: "Apply for a subscription of one's app to a published API (auto-approved for `auto` APIs)",
    tag,
    role: 'developer',
    body: subscriptionCreate,
    response: { status: 201, description: 'The subscription, pending or approved', schema: subscriptionView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, body }) =>
      write(ctx, async (trx) => {
        const app = await ownApp(trx, principal, body.appId);
        const api = await findApi(trx, body.apiId);
        const ownedByAppTenant = api?.tenantId === app.tenantId;
        // Another tenant's API exists for this app only if it is in the catalog (public and published).
        if (!api || !(ownedByAppTenant || (api.visibility === 'public' && api.status === 'published'))) {
          throw notFound('api', body.apiId);
        }
        if (api.status !== 'published') {
          throw new GatewayError(
            'conflict',
            `the API is ${api.status}; only published APIs take subscriptions`,
          );
        }
        const plan = await findPlan(trx, body.planId);
        if (plan?.plan.apiId !== api.id) {
          throw validationFailed([{ in: 'body', field: 'planId', message: 'not a plan of this API' }]);
        }
        if (await findLiveSubscription(trx, app.id, api.id)) {
          throw new GatewayError(
            'conflict',
            'the app already has a pending, approved or suspended subscription to this API',
          );
        }
        const status = api.approval === 'auto' ? 'approved' : 'pending';
        const created = await insertSubscription(trx, {
          appId: app.id,
          apiId: api.id,
          planId: body.planId,
          status,
          reason: body.reason ?? null,
          app_name: app.name,
          api_name: api.name,
        });
        await raiseSubscriptionEvent(
          trx,
          created,
          { appTenantId: app.tenantId, apiTenantId: api.tenantId },
          true,
        );
        return created;
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/subscriptions',
    operationId: 'listSubscriptions',
    summary: "List subscriptions of the caller's apps and to the caller's APIs",
    tag,
    role: 'viewer',
    query: subscriptionFilter,
    response: { status: 200, description: 'A page of subscriptions', schema: pageOf(subscriptionView) },
    handler: async ({ ctx, principal, query }) => {
      const { limit, cursor, ...filter } = query;
      const all = await listSubscriptions(ctx.store.db, { tenantId: tenantScope(principal), ...filter });
      return paged(all, { limit, cursor });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/subscriptions/:id',
    operationId: 'getSubscription',
    summary: 'Get a subscription',
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The subscription', schema: subscriptionView },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) =>
      (await visibleSubscription(ctx.store.db, principal, params.id)).subscription,
  }),
  defineRoute({
    method: 'patch',
    path: '/subscriptions/:id',
    operationId: 'changeSubscriptionPlan',
    summary:
      "Change a subscription's plan: at once for `auto` APIs, the API's own tenant or an undecided application; " +
      'otherwise the change waits for the API owner (plan-change/approve) while the current plan serves',
    tag,
    role: 'developer',
    params: idParams,
    body: subscriptionPlanChange,
    response: {
      status: 200,
      description: 'The subscription: on its new plan, or with the change in pendingPlanId',
      schema: subscriptionView,
    },
    errors: ['not_found', 'validation_failed', 'illegal_transition', 'conflict'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        const record = await visibleSubscription(trx, principal, params.id);
        const current = record.subscription;
        const plan = await findPlan(trx, body.planId);
        if (plan?.plan.apiId !== current.apiId)
          throw validationFailed([{ in: 'body', field: 'planId', message: 'not a plan of this API' }]);
        if (!PLAN_CHANGEABLE.includes(current.status))
          throw new GatewayError(
            'illegal_transition',
            `cannot change the plan of a subscription that is ${current.status}`,
          );
        const api = await findApi(trx, current.apiId);
        // The API's owner (who would approve it anyway) and auto-approving APIs change at once; so does an
        // application nobody has decided on yet, since approving it will cover the plan it then names.
        const atOnce =
          (canSee(principal, record.apiTenantId) && hasRole(principal, 'maintainer')) ||
          api?.approval === 'auto' ||
          current.status === 'pending' ||
          body.planId === current.planId;
        const next = atOnce
          ? { planId: body.planId, pendingPlanId: null }
          : { planId: current.planId, pendingPlanId: body.planId };
        const expected = { status: [current.status], pendingPlanId: current.pendingPlanId };
        const changed = await setSubscriptionPlan(trx, current.id, expected, {
          ...next,
          ...(body.reason !== undefined ? { reason: body.reason } : {}),
        });
        if (!changed) throw new GatewayError('conflict', MOVED_ON);
        return (await findSubscription(trx, current.id))!.subscription;
      }),
  }),
  ...actions,
  ...planDecisions,
];
