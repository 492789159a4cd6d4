// The public catalog: published public APIs of every tenant with their plans, without upstream details.
import { z } from 'zod';
import { apiKinds, approvalModes } from '../../domain/types.js';
import { defaultRegistry } from '../../policies/registry.js';
import { listCatalogApis } from '../../store/repos/apis.js';
import { listPlans } from '../../store/repos/plans.js';
import { callUrl } from '../../web-console/data-plane-url.js';
import { defineRoute, type RouteDef } from '../route.js';
import { apiView } from '../schemas/apis.js';
import { id } from '../schemas/common.js';
import { planView } from '../schemas/plans.js';
import { listQuery, paged, pageOf } from '../schemas/query.js';

// Targets, timeouts and settings are the provider's business; a consumer needs the route and the plans.
export const catalogEntry = apiView
  .pick({
    id: true,
    tenantId: true,
    name: true,
    basePath: true,
    host: true,
    kind: true,
    auth: true,
    approval: true,
    status: true,
    tags: true,
  })
  .extend({
    plans: z.array(planView),
    hasSpec: z.boolean().meta({ description: 'Whether GET /catalog/{id}/spec has an OpenAPI document' }),
    callUrl: z.string().meta({
      description:
        "Where a consumer calls it: the data plane's URL (DATA_PLANE_URL, or this host on the data plane's port) and the base path",
    }),
  });

export const catalogRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/catalog',
    operationId: 'getCatalog',
    summary: 'Published public APIs of every tenant, with their plans',
    tag: 'catalog',
    role: 'viewer',
    query: listQuery({
      tenantId: id.optional(),
      name: z.string().max(100).optional(),
      kind: z.enum(apiKinds).optional(),
      auth: z.enum(defaultRegistry.authModes).optional(),
      approval: z.enum(approvalModes).optional(),
      tags: z.string().max(32).optional().meta({ description: 'APIs carrying this tag' }),
    }),
    response: { status: 200, description: 'A page of the catalog', schema: pageOf(catalogEntry) },
    handler: async ({ ctx, req, query }) => {
      const apis = await listCatalogApis(ctx.store.db);
      const plans = await listPlans(
        ctx.store.db,
        apis.map((a) => a.id),
      );
      const specs = new Set(
        (await ctx.store.db.selectFrom('api_specs').select('api_id').execute()).map((r) => r.api_id),
      );
      const page = paged(
        apis.map((api) => ({
          id: api.id,
          tenantId: api.tenantId,
          name: api.name,
          basePath: api.basePath,
          host: api.host,
          kind: api.kind,
          auth: api.auth,
          approval: api.approval,
          status: api.status,
          tags: api.tags,
          plans: plans.filter((p) => p.apiId === api.id),
          hasSpec: specs.has(api.id),
          callUrl: callUrl(req, ctx.env, api.basePath),
          createdAt: api.createdAt,
        })),
        query,
      );
      // createdAt only orders the pages; the catalog entry does not show it.
      return { ...page, items: page.items.map(({ createdAt: _, ...entry }) => entry) };
    },
  }),
];
