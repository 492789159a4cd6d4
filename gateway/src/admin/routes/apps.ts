// Consumer apps of a tenant.

import { z } from 'zod';
import { deleteApp, insertApp, listApps, renameApp } from '../../store/repos/apps.js';
import { ownApp, owningTenant } from '../access.js';
import { tenantScope } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { appCreate, appPatch, appView } from '../schemas/apps.js';
import { id, idParams } from '../schemas/common.js';
import { listQuery, paged, pageOf } from '../schemas/query.js';
import { write } from '../write.js';

const tag = 'apps';

export const appRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/apps',
    operationId: 'createApp',
    summary: 'Create an app',
    tag,
    role: 'developer',
    body: appCreate,
    response: { status: 201, description: 'The app', schema: appView },
    errors: ['not_found'],
    handler: ({ ctx, principal, body }) =>
      write(ctx, async (trx) => insertApp(trx, await owningTenant(trx, principal, body.tenantId), body.name)),
  }),
  defineRoute({
    method: 'get',
    path: '/apps',
    operationId: 'listApps',
    summary: "List the caller's apps (all of them for the platform token)",
    tag,
    role: 'viewer',
    query: listQuery({ tenantId: id.optional(), name: z.string().max(100).optional() }),
    response: { status: 200, description: 'A page of apps', schema: pageOf(appView) },
    handler: async ({ ctx, principal, query }) =>
      paged(await listApps(ctx.store.db, tenantScope(principal)), query),
  }),
  defineRoute({
    method: 'get',
    path: '/apps/:id',
    operationId: 'getApp',
    summary: 'Get an app',
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The app', schema: appView },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) => ownApp(ctx.store.db, principal, params.id),
  }),
  defineRoute({
    method: 'patch',
    path: '/apps/:id',
    operationId: 'updateApp',
    summary: 'Rename an app',
    tag,
    role: 'developer',
    params: idParams,
    body: appPatch,
    response: { status: 200, description: 'The app', schema: appView },
    errors: ['not_found'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        const app = await ownApp(trx, principal, params.id);
        if (body.name === undefined) return app;
        await renameApp(trx, app.id, body.name);
        return { ...app, name: body.name };
      }),
  }),
  defineRoute({
    method: 'delete',
    path: '/apps/:id',
    operationId: 'deleteApp',
    summary: 'Delete an app with its keys and subscriptions',
    tag,
    role: 'developer',
    params: idParams,
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        await ownApp(trx, principal, params.id);
        await deleteApp(trx, params.id);
      }),
  }),
];
