// Audits admin writes where they happen: mount.ts opens a scope per write request (actor, route, IP, the
// resource as it was), and admin/write.ts records the entry inside the write's own transaction, so a change
// and its audit row commit or roll back together. A request that ends up writing nothing records nothing.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import { idPrefixes } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { type AuditActor, recordAudit } from './audit.js';

export interface AuditScope {
  actor: AuditActor;
  action: string;
  method: string;
  path: string;
  ip: string | null;
  requestId: string | null;
  /** The resource before the write (what its GET answered), null for a creation. */
  before: unknown;
  /** The route's path parameters, the target's id when the write returns nothing. */
  params: Record<string, string>;
}

const scopes = new AsyncLocalStorage<AuditScope>();
let open = 0;

/**
 * Runs an admin write in its audit scope. On Node 20 an enabled AsyncLocalStorage keeps a promise hook on every
 * promise of the process, data-plane calls included (a few percent of each call's CPU in the profile,
 * docs/performance.md); so it is disabled again as soon as no write is open, and the next write enables it.
 */
export async function runAudited<T>(scope: AuditScope, work: () => Promise<T>): Promise<T> {
  open++;
  try {
    return await scopes.run(scope, work);
  } finally {
    if (--open === 0) scopes.disable();
  }
}

const typeOfPrefix = new Map<string, string>(
  Object.entries(idPrefixes).map(([type, prefix]) => [prefix, type]),
);

type State = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function target(scope: AuditScope, state: State | null): { type: string | null; id: string | null } {
  const params = Object.values(scope.params);
  const id = str(state?.id) ?? params[params.length - 1] ?? null;
  return { type: id ? (typeOfPrefix.get(id.split('_')[0]!) ?? null) : null, id };
}

async function tenantOf(db: Kysely<Database>, table: 'apps' | 'apis', id: string | null) {
  if (!id) return null;
  const row = await db.selectFrom(table).select('tenant_id').where('id', '=', id).executeTakeFirst();
  return row?.tenant_id ?? null;
}

/** Records the current request's write (called by admin/write.ts inside the transaction). */
export async function auditWrite(db: Kysely<Database>, result: unknown): Promise<void> {
  const scope = scopes.getStore();
  if (!scope) return;
  const after = result && typeof result === 'object' ? (result as State) : null;
  const state = after ?? (scope.before as State | null);
  const t = target(scope, state);
  const appTenantId = await tenantOf(db, 'apps', str(state?.appId));
  const tenantId =
    str(state?.tenantId) ??
    (t.type === 'tenant' ? t.id : null) ??
    (await tenantOf(db, 'apis', str(state?.apiId))) ??
    appTenantId ??
    scope.actor.tenantId;
  await recordAudit(db, {
    actor: scope.actor,
    action: scope.action,
    method: scope.method,
    path: scope.path,
    target: t,
    tenantId,
    appTenantId,
    before: scope.before,
    after,
    ip: scope.ip,
    requestId: scope.requestId,
  });
}
