// The OAuth client ids and client certificates of an app: a JWT, an introspected token or a client certificate
// that names one is the app's call, with the app's subscriptions, plans and limits (docs/auth.md).
import { deleteAppClient, insertAppClient, listAppClients } from '../../store/repos/app-clients.js';
import { ownApp } from '../access.js';
import { notFound } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { appClientCreate, appClientParams, appClientView } from '../schemas/app-clients.js';
import { idParams, listOf } from '../schemas/common.js';
import { write } from '../write.js';

const tag = 'apps';
const TAKEN = 'another app already registered this client';

export const appClientRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/apps/:id/clients',
    operationId: 'registerAppClient',
    summary: 'Register an OAuth client id or client certificate for an app',
    tag,
    role: 'developer',
    params: idParams,
    body: appClientCreate,
    response: { status: 201, description: 'The registered client', schema: appClientView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params, body }) =>
      write(
        ctx,
        async (trx) => {
          const app = await ownApp(trx, principal, params.id);
          return insertAppClient(trx, app.id, body.kind, body.value);
        },
        TAKEN,
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/apps/:id/clients',
    operationId: 'listAppClients',
    summary: "List an app's OAuth client ids and client certificates",
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The clients', schema: listOf(appClientView) },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) => {
      const app = await ownApp(ctx.store.db, principal, params.id);
      return { items: await listAppClients(ctx.store.db, app.id) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/apps/:id/clients/:clientId',
    operationId: 'removeAppClient',
    summary: 'Remove an OAuth client id or client certificate from an app',
    tag,
    role: 'developer',
    params: appClientParams,
    response: { status: 204, description: 'Removed' },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        const app = await ownApp(trx, principal, params.id);
        if (!(await deleteAppClient(trx, app.id, params.clientId))) throw notFound('client', params.clientId);
      }),
  }),
];
