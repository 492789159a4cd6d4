// The audit log: every admin write, newest first; a tenant sees the entries about its own resources and actions.
import { z } from 'zod';
import { listAudit } from '../../audit/list.js';
import { tenantScope } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { id } from '../schemas/common.js';
import { checkRange, cursorId, instant, pageFields, pageOf } from '../schemas/query.js';

const auditQuery = z
  .object({
    tenantId: id.optional(),
    actorKind: z.string().max(40).optional(),
    actorId: z.string().max(64).optional(),
    action: z.string().max(64).optional().meta({ description: 'operationId of the write, e.g. updatePlan' }),
    targetType: z.string().max(40).optional(),
    targetId: z.string().max(64).optional(),
    from: instant.optional(),
    to: instant.optional(),
    ...pageFields(),
  })
  .strict();

const auditView = z.object({
  id: z.number(),
  ts: z.string(),
  actor: z.object({
    kind: z.string(),
    id: z.string().nullable(),
    label: z.string().nullable(),
    tenantId: z.string().nullable(),
  }),
  action: z.string(),
  method: z.string().nullable(),
  path: z.string().nullable(),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  tenantId: z.string().nullable(),
  appTenantId: z.string().nullable(),
  before: z
    .unknown()
    .meta({ description: 'The resource before the write (secrets redacted); null for a creation' }),
  after: z
    .unknown()
    .meta({ description: 'The resource after the write (secrets redacted); null for a deletion' }),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
});

export const auditRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    summary: 'Audit log: admin writes (who, what, before/after, when, from where), newest first',
    tag: 'audit',
    role: 'viewer',
    query: auditQuery,
    response: { status: 200, description: 'A page of audit entries', schema: pageOf(auditView) },
    handler: async ({ ctx, principal, query }) => {
      checkRange(query.from, query.to);
      return listAudit(ctx.store.db, { ...query, scope: tenantScope(principal) }, cursorId(query.cursor));
    },
  }),
];
