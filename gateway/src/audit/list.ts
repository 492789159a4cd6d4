// Reading the audit log: filters, newest first, keyset pagination on the row id (like call logs).
import type { Kysely } from 'kysely';
import { newestFirst } from '../analytics/keyset.js';
import type { Database } from '../store/schema.js';

export interface AuditFilter {
  /** Confine to one tenant's entries (its resources, its apps' keys and subscriptions, its own actions). */
  scope: string | null;
  tenantId?: string;
  actorKind?: string;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: number;
  to?: number;
  limit: number;
}

function parsed(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

export async function listAudit(db: Kysely<Database>, f: AuditFilter, cursorId: number | null) {
  let q = db.selectFrom('audit_log').selectAll();
  for (const tenant of [f.scope, f.tenantId]) {
    if (tenant === null || tenant === undefined) continue;
    q = q.where((eb) =>
      eb.or([
        eb('tenant_id', '=', tenant),
        eb('app_tenant_id', '=', tenant),
        eb('actor_tenant_id', '=', tenant),
      ]),
    );
  }
  if (f.actorKind) q = q.where('actor_kind', '=', f.actorKind);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.targetType) q = q.where('target_type', '=', f.targetType);
  if (f.targetId) q = q.where('target_id', '=', f.targetId);
  return newestFirst(q, f, cursorId, (r) => ({
    id: Number(r.id),
    ts: new Date(Number(r.ts)).toISOString(),
    actor: { kind: r.actor_kind, id: r.actor_id, label: r.actor_label, tenantId: r.actor_tenant_id },
    action: r.action,
    method: r.method,
    path: r.path,
    target: { type: r.target_type, id: r.target_id },
    tenantId: r.tenant_id,
    appTenantId: r.app_tenant_id,
    before: parsed(r.before),
    after: parsed(r.after),
    ip: r.ip,
    requestId: r.request_id,
  }));
}
