// API keys of an app: issued once (the response is the only place the key appears), listed without secrets,
// revoked by id. Expiry is enforced by the data plane from the snapshot.

import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import { findKey, insertKey, listKeys, revokeKey, updateKey } from '../../store/repos/apps.js';
import { ownApp } from '../access.js';
import type { Principal } from '../principal.js';
import { notFound } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { keyCreate, keyIssued, keyParams, keyPatch, keyRotate, keyView } from '../schemas/apps.js';
import { idParams } from '../schemas/common.js';
import { listQuery, paged, pageOf } from '../schemas/query.js';
import type { Trx } from '../write.js';
import { write } from '../write.js';

const tag = 'keys';
const OVERLAP_MS = 3_600_000;

async function ownKey(
  db: Trx | Parameters<typeof ownApp>[0],
  principal: Principal,
  appId: string,
  keyId: string,
) {
  const app = await ownApp(db, principal, appId);
  const key = await findKey(db, app.id, keyId);
  if (!key) throw notFound('key', keyId);
  return key;
}

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
  defineRoute({
    method: 'get',
    path: '/apps/:id/keys/:keyId',
    operationId: 'getKey',
    summary: 'Get an API key (without its secret)',
    tag,
    role: 'viewer',
    params: keyParams,
    response: { status: 200, description: 'The key', schema: keyView },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) => ownKey(ctx.store.db, principal, params.id, params.keyId),
  }),
  defineRoute({
    method: 'patch',
    path: '/apps/:id/keys/:keyId',
    operationId: 'updateKey',
    summary: 'Rename an API key or change its expiry (null: never expires)',
    tag,
    role: 'developer',
    params: keyParams,
    body: keyPatch,
    response: { status: 200, description: 'The key', schema: keyView },
    errors: ['not_found'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        const key = await ownKey(trx, principal, params.id, params.keyId);
        await updateKey(trx, key.id, body);
        return (await findKey(trx, key.appId, key.id))!;
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/apps/:id/keys/:keyId/rotate',
    operationId: 'rotateKey',
    summary: 'Issue a replacement key (returned once); the old one keeps working until `oldKeyExpiresAt`',
    tag,
    role: 'developer',
    params: keyParams,
    body: keyRotate,
    response: { status: 201, description: 'The new key, shown this once', schema: keyIssued },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        const old = await ownKey(trx, principal, params.id, params.keyId);
        const now = Date.now();
        if (old.revokedAt !== null || (old.expiresAt !== null && Date.parse(old.expiresAt) <= now)) {
          throw new GatewayError('conflict', 'the key is revoked or expired; issue a new one instead');
        }
        // The overlap never lengthens the old key's life; the new key inherits its original expiry.
        const overlapEnd = body.oldKeyExpiresAt ?? new Date(now + OVERLAP_MS).toISOString();
        const oldEnd =
          old.expiresAt !== null && Date.parse(old.expiresAt) < Date.parse(overlapEnd)
            ? old.expiresAt
            : overlapEnd;
        await updateKey(trx, old.id, { expiresAt: oldEnd });
        return insertKey(trx, old.appId, body.name ?? old.name, old.expiresAt);
      }),
  }),
];
