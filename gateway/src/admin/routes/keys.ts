// API keys of an app: issued once (the response is the only place the key appears), listed without secrets,
// revoked by id. Expiry is enforced by the data plane from the snapshot.

import { z } from 'zod';
import { findKey, insertKey, listKeys, revokeKey } from '../../store/repos/apps.js';
import { ownApp } from '../access.js';
import { notFound } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { keyCreate, keyIssued, keyParams, keyView } from '../schemas/apps.js';
import { idParams } from '../schemas/common.js';
import { listQuery, paged, pageOf } from '../schemas/query.js';
import { write } from '../write.js';

const tag = 'keys';

export const keyRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/apps/:id/keys',
    operationId: 'issueKey',
    summary: 'Issue an API key (returned once)',
    tag,
    role: 'developer',
    params: idParams,
    body: keyCreate,
    response: { status: 201, description: 'The key, shown this once', schema: keyIssued },
    errors: ['not_found'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        const app = await ownApp(trx, principal, params.id);
        return insertKey(trx, app.id, body.name ?? null, body.expiresAt ?? null);
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/apps/:id/keys',
    operationId: 'listKeys',
    summary: "List an app's keys (without secrets)",
    tag,
    role: 'viewer',
    params: idParams,
    query: listQuery({ name: z.string().max(100).optional() }),
    response: { status: 200, description: 'A page of keys', schema: pageOf(keyView) },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params, query }) => {
      const app = await ownApp(ctx.store.db, principal, params.id);
      return paged(await listKeys(ctx.store.db, app.id), query);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/apps/:id/keys/:keyId',
    operationId: 'revokeKey',
    summary: 'Revoke an API key',
    tag,
    role: 'developer',
    params: keyParams,
    response: { status: 204, description: 'Revoked (or already revoked)' },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) => {
      const app = await ownApp(ctx.store.db, principal, params.id);
      const key = await findKey(ctx.store.db, app.id, params.keyId);
      if (!key) throw notFound('key', params.keyId);
      // Revoking twice changes nothing, so it writes nothing and keeps the first revocation time.
      if (key.revokedAt === null) await write(ctx, (trx) => revokeKey(trx, key.id));
    },
  }),
];
