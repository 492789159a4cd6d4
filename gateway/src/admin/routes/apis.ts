// APIs a tenant provides: CRUD plus the lifecycle (publish, deprecate, retire).

import { z } from 'zod';
import type { GatewayContext } from '../../context.js';
import {
  type Api,
  apiKinds,
  apiStatuses,
  apiTransitions,
  approvalModes,
  visibilities,
} from '../../domain/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { defaultRegistry } from '../../policies/registry.js';
import { maskSettings, openSettings, sealSettings, unmaskSettings } from '../../policies/sealed-settings.js';
import { apiSettingsBox } from '../../security/secret-box.js';
import { newId, nowIso } from '../../store/ids.js';
import {
  deleteApi,
  insertApi,
  listApis,
  routeHolder,
  transitionApi,
  updateApi,
} from '../../store/repos/apis.js';
import { routeKey } from '../../store/rows.js';
import { ownApi, owningTenant } from '../access.js';
import { checkSettings } from '../api-settings.js';
import { assertUrlsAllowed } from '../outbound-urls.js';
import { tenantScope } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { apiCreate, apiPatch, apiView } from '../schemas/apis.js';
import { id, idParams } from '../schemas/common.js';
import { listQuery, paged, pageOf } from '../schemas/query.js';
import { validationFailed } from '../validation.js';
import { type Trx, write } from '../write.js';
import { checkKindRules } from './ai-api-rules.js';

const tag = 'apis';

const routeTaken = (api: Pick<Api, 'host' | 'basePath'>) =>
  `the route ${api.basePath}${api.host ? ` on host ${api.host}` : ''} belongs to another API`;

/** Targets the SSRF guard refuses (security/ssrf.ts) are a 400 naming each one. */
function assertTargetsAllowed(ctx: GatewayContext, targets: readonly { url: string }[] | undefined): void {
  if (targets)
    assertUrlsAllowed(
      ctx,
      targets.map((t, i) => ({ field: `targets.${i}.url`, url: t.url })),
    );
}

/**
 * Settings to store: a written mask keeps the stored secret (`stored`: the API's settings, opened), then each
 * member is checked by its policy's schema and the URLs they name by the outbound guard (a JWKS URL…), and
 * secrets are sealed for this API (policies/sealed-settings.ts).
 */
function checkedSettings(
  ctx: GatewayContext,
  api: Pick<Api, 'id' | 'kind'>,
  written: Record<string, unknown>,
  stored: Record<string, unknown> = {},
) {
  const fields = ctx.policies.secretFields;
  const { settings, unknown } = unmaskSettings(written, stored, fields);
  if (unknown.length)
    throw validationFailed(
      unknown.map((field) => ({
        in: 'body' as const,
        field,
        message: 'is a mask, and no secret is stored to keep',
      })),
    );
  const checked = checkSettings(ctx.policies, api.kind, settings);
  assertUrlsAllowed(ctx, ctx.policies.settingsUrls(checked));
  return sealSettings(checked, fields, apiSettingsBox(ctx.env), api.id);
}

/** An API as the admin API shows it: secrets in its settings masked. */
const viewOf = (ctx: GatewayContext, api: Api): Api => ({
  ...api,
  settings: maskSettings(api.settings, ctx.policies.secretFields),
});

// Checked up front for a clear answer; the unique route_key column still decides when two writers race.
async function assertRouteFree(trx: Trx, api: Api): Promise<void> {
  if (await routeHolder(trx, routeKey(api.host, api.basePath), api.id)) {
    throw new GatewayError('conflict', routeTaken(api));
  }
}

const lifecycle = Object.entries(apiTransitions).map(([action, rule]) =>
  defineRoute({
    method: 'post',
    path: `/apis/:id/${action}`,
    operationId: `${action}Api`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} an API (${rule.from.join('|')} → ${rule.to})`,
    tag,
    role: 'maintainer',
    params: idParams,
    response: { status: 200, description: 'The API in its new status', schema: apiView },
    errors: ['not_found', 'illegal_transition'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        const api = await ownApi(trx, principal, params.id);
        const now = nowIso();
        if (!(await transitionApi(trx, api.id, rule.from, rule.to, now))) {
          throw new GatewayError('illegal_transition', `cannot ${action} an API that is ${api.status}`);
        }
        return { ...api, status: rule.to, updatedAt: now };
      }),
  }),
);

export const apiRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/apis',
    operationId: 'createApi',
    summary: 'Create an API (status draft)',
    tag,
    role: 'maintainer',
    body: apiCreate,
    response: { status: 201, description: 'The API', schema: apiView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, body }) => {
      const { tenantId: requested, settings, ...fields } = body;
      assertTargetsAllowed(ctx, fields.targets);
      return write(
        ctx,
        async (trx) => {
          const now = nowIso();
          const tenantId = await owningTenant(trx, principal, requested);
          const id = newId('api');
          const api: Api = {
            id,
            tenantId,
            ...fields,
            status: 'draft',
            // Settings are checked when given; a prompt API may be created first and configured after.
            settings: settings ? checkedSettings(ctx, { id, kind: fields.kind }, settings) : {},
            createdAt: now,
            updatedAt: now,
          };
          checkKindRules(api);
          await assertRouteFree(trx, api);
          await insertApi(trx, api);
          return viewOf(ctx, api);
        },
        routeTaken(fields),
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/apis',
    operationId: 'listApis',
    summary: "List the caller's APIs (all of them for the platform token)",
    tag,
    role: 'viewer',
    query: listQuery({
      tenantId: id.optional(),
      name: z.string().max(100).optional(),
      kind: z.enum(apiKinds).optional(),
      status: z.enum(apiStatuses).optional(),
      visibility: z.enum(visibilities).optional(),
      auth: z.enum(defaultRegistry.authModes).optional(),
      approval: z.enum(approvalModes).optional(),
      tags: z.string().max(32).optional().meta({ description: 'APIs carrying this tag' }),
    }),
    response: { status: 200, description: 'A page of APIs', schema: pageOf(apiView) },
    handler: async ({ ctx, principal, query }) => {
      const page = paged(await listApis(ctx.store.db, tenantScope(principal)), query);
      return { ...page, items: page.items.map((api) => viewOf(ctx, api)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/apis/:id',
    operationId: 'getApi',
    summary: 'Get an API',
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The API', schema: apiView },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) =>
      viewOf(ctx, await ownApi(ctx.store.db, principal, params.id)),
  }),
  defineRoute({
    method: 'patch',
    path: '/apis/:id',
    operationId: 'updateApi',
    summary: 'Change an API',
    tag,
    role: 'maintainer',
    params: idParams,
    body: apiPatch,
    response: { status: 200, description: 'The API', schema: apiView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params, body }) => {
      assertTargetsAllowed(ctx, body.targets);
      return write(
        ctx,
        async (trx) => {
          const current = await ownApi(trx, principal, params.id);
          const api: Api = { ...current, ...body, updatedAt: nowIso() };
          // Settings are checked against the API's kind after the patch, also when only the kind changed.
          if (body.settings || body.kind !== undefined) {
            const stored = openSettings(
              current.settings,
              ctx.policies.secretFields,
              apiSettingsBox(ctx.env),
              current.id,
            );
            api.settings = checkedSettings(ctx, api, body.settings ?? stored, stored);
          }
          checkKindRules(api);
          await assertRouteFree(trx, api);
          await updateApi(trx, api);
          return viewOf(ctx, api);
        },
        'the route belongs to another API',
      );
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/apis/:id',
    operationId: 'deleteApi',
    summary: 'Delete an API with its plans and subscriptions',
    tag,
    role: 'maintainer',
    params: idParams,
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        await ownApi(trx, principal, params.id);
        await deleteApi(trx, params.id);
      }),
  }),
  ...lifecycle,
];
