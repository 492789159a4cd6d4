// The audit log's one writer: who (an actor, whatever authenticated it), what, before/after with secrets
// redacted, when and from where. Admin writes record through audit/scope.ts inside their own transaction;
// logins, logouts and other events without a resource call recordAudit directly.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Who acted, independent of how they authenticated (platform token, tenant token, user session…). */
export interface AuditActor {
  /** `platform`, `tenant-token`, `user`, `system`… */
  kind: string;
  /** The token, user or key id when there is one. */
  id: string | null;
  /** Something a person recognises: a token or user name. */
  label: string | null;
  /** The tenant the actor is confined to; null for the platform. */
  tenantId: string | null;
}

export interface AuditEntry {
  actor: AuditActor;
  /** The operation: the admin route's operationId (`updatePlan`) or an event name (`login`). */
  action: string;
  method?: string | null;
  path?: string | null;
  target?: { type: string | null; id: string | null } | null;
  /** The tenant owning the changed resource (sees the entry). */
  tenantId?: string | null;
  /** The consuming app's tenant, for keys and subscriptions (sees the entry too). */
  appTenantId?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
  requestId?: string | null;
}

export const REDACTED = '[redacted]';

// Field names that hold secrets (issued keys and tokens, hashes, sealed provider keys, passwords).
const SECRET_FIELD = /^(key|token|secret|password|hash|sealed)$|(Key|Token|Secret|Password|Hash)$/;

/** A deep copy with every secret-bearing field replaced by `[redacted]`. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_FIELD.test(k) && v !== null && v !== undefined ? REDACTED : redact(v);
  }
  return out;
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(redact(value));
}

export async function recordAudit(db: Kysely<Database>, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      ts: Date.now(),
      actor_kind: e.actor.kind,
      actor_id: e.actor.id,
      actor_label: e.actor.label,
      actor_tenant_id: e.actor.tenantId,
      action: e.action,
      method: e.method ?? null,
      path: e.path ?? null,
      target_type: e.target?.type ?? null,
      target_id: e.target?.id ?? null,
      tenant_id: e.tenantId ?? null,
      app_tenant_id: e.appTenantId ?? null,
      before: json(e.before),
      after: json(e.after),
      ip: e.ip ?? null,
      request_id: e.requestId ?? null,
    })
    .execute();
}
