// Tenants and their admin tokens: the platform manages them; a tenant reads its own record and manages its tokens.

import { z } from 'zod';
import { findToken, insertToken, listTokens, revokeToken } from '../../people/token-store.js';
import {
  deleteTenant,
  findTenant,
  insertTenant,
  listTenants,
  renameTenant,
  setTenantLimits,
} from '../../store/repos/tenants.js';
import { canSee, notFound } from '../principal.js';
import { defineRoute } from '../route.js';
import { idParams } from '../schemas/common.js';
import { listQuery, paged, pageOf } from '../schemas/query.js';
import {
  tenantCreate,
  tenantPatch,
  tenantView,
  tokenCreate,
  tokenIssued,
  tokenParams,
  tokenView,
} from '../schemas/tenants.js';
import { validationFailed } from '../validation.js';
import { write } from '../write.js';

const tag = 'tenants';

const nameTaken = (name: string | undefined) => `a tenant named "${name}" exists`;

export const tenantRoutes = [
  defineRoute({
    method: 'post',
    path: '/tenants',
    operationId: 'createTenant',
    summary: 'Create a tenant',
    tag,
    role: 'platform',
    body: tenantCreate,
    response: { status: 201, description: 'The tenant', schema: tenantView },
    errors: ['conflict'],
    handler: ({ ctx, body }) =>
      write(ctx, (trx) => insertTenant(trx, body.name, body.limits ?? null), nameTaken(body.name)),
  }),
  defineRoute({
    method: 'get',
    path: '/tenants',
    operationId: 'listTenants',
    summary: 'List tenants',
    tag,
    role: 'platform',
    query: listQuery({ name: z.string().max(100).optional() }),
    response: { status: 200, description: 'A page of tenants', schema: pageOf(tenantView) },
    handler: async ({ ctx, query }) => paged(await listTenants(ctx.store.db), query),
  }),
  defineRoute({
    method: 'get',
    path: '/tenants/:id',
    operationId: 'getTenant',
    summary: 'Get a tenant',
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The tenant', schema: tenantView },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) => {
      const tenant = await findTenant(ctx.store.db, params.id);
      if (!tenant || !canSee(principal, tenant.id)) throw notFound('tenant', params.id);
      return tenant;
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/tenants/:id',
    operationId: 'updateTenant',
    summary: 'Rename a tenant or set its limits',
    tag,
    role: 'platform',
    params: idParams,
    body: tenantPatch,
    response: { status: 200, description: 'The tenant', schema: tenantView },
    errors: ['not_found', 'conflict'],
    handler: ({ ctx, params, body }) =>
      write(
        ctx,
        async (trx) => {
          const tenant = await findTenant(trx, params.id);
          if (!tenant) throw notFound('tenant', params.id);
          if (body.name !== undefined) await renameTenant(trx, params.id, body.name);
          if (body.limits !== undefined) await setTenantLimits(trx, params.id, body.limits);
          return {
            ...tenant,
            name: body.name ?? tenant.name,
            limits: body.limits === undefined ? tenant.limits : body.limits,
          };
        },
        nameTaken(body.name),
      ),
  }),
  defineRoute({
    method: 'delete',
    path: '/tenants/:id',
    operationId: 'deleteTenant',
    summary:
      'Delete a tenant with everything it owns (tokens, APIs, plans, apps, keys, subscriptions, AI providers and models); `confirm` must be its name',
    tag,
    role: 'platform',
    params: idParams,
    query: z.object({ confirm: z.string().max(100).meta({ description: "the tenant's name" }) }).strict(),
    response: { status: 204, description: 'Deleted' },
    errors: ['not_found'],
    handler: ({ ctx, params, query }) =>
      write(ctx, async (trx) => {
        const tenant = await findTenant(trx, params.id);
        if (!tenant) throw notFound('tenant', params.id);
        // A typed-out name, not just an id: deleting cascades to everything the tenant owns and cannot be undone.
        if (query.confirm !== tenant.name) {
          throw validationFailed([{ in: 'query', field: 'confirm', message: "must be the tenant's name" }]);
        }
        await deleteTenant(trx, params.id);
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/tenants/:id/tokens',
    operationId: 'issueTenantToken',
    summary: 'Issue a tenant admin token (returned once)',
    tag,
    role: 'platform',
    params: idParams,
    body: tokenCreate,
    response: { status: 201, description: 'The token, shown this once', schema: tokenIssued },
    errors: ['not_found'],
    handler: ({ ctx, params, body }) =>
      write(ctx, async (trx) => {
        if (!(await findTenant(trx, params.id))) throw notFound('tenant', params.id);
        const { revokedAt: _none, ...issued } = await insertToken(trx, {
          tenantId: params.id,
          userId: null,
          role: body.role,
          name: body.name ?? null,
          expiresAt: body.expiresAt ?? null,
        });
        return issued;
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/tenants/:id/tokens',
    operationId: 'listTenantTokens',
    summary: "List a tenant's admin tokens, its members' personal tokens for it included (without secrets)",
    tag,
    role: 'owner',
    params: idParams,
    query: listQuery({ name: z.string().max(100).optional() }),
    response: { status: 200, description: 'A page of tokens', schema: pageOf(tokenView) },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params, query }) => {
      if (!canSee(principal, params.id) || !(await findTenant(ctx.store.db, params.id))) {
        throw notFound('tenant', params.id);
      }
      return paged(await listTokens(ctx.store.db, { tenantId: params.id }), query);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/tenants/:id/tokens/:tokenId',
    operationId: 'revokeTenantToken',
    summary: 'Revoke a tenant admin token',
    tag,
    role: 'owner',
    params: tokenParams,
    response: { status: 204, description: 'Revoked (or already revoked)' },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) => {
      if (!canSee(principal, params.id)) throw notFound('tenant', params.id);
      const token = await findToken(ctx.store.db, params.tokenId, { tenantId: params.id });
      if (!token) throw notFound('token', params.tokenId);
      // Revoking twice changes nothing, so it writes nothing.
      if (token.revokedAt === null) await write(ctx, (trx) => revokeToken(trx, token.id));
    },
  }),
];
