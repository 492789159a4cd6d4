// Loads a resource for a caller: missing and not-yours look the same (404), so ids of other tenants leak nothing.
import type { Kysely } from 'kysely';
import type { Api, Plan } from '../domain/types.js';
import { findApi } from '../store/repos/apis.js';
import { type AppView, findApp } from '../store/repos/apps.js';
import { findPlan } from '../store/repos/plans.js';
import { findTenant } from '../store/repos/tenants.js';
import type { Database } from '../store/schema.js';
import { canSee, notFound, type Principal } from './principal.js';
import { validationFailed } from './validation.js';

type Db = Kysely<Database>;

export async function ownApi(db: Db, principal: Principal, id: string): Promise<Api> {
  const api = await findApi(db, id);
  if (!api || !canSee(principal, api.tenantId)) throw notFound('api', id);
  return api;
}

export async function ownApp(db: Db, principal: Principal, id: string): Promise<AppView> {
  const app = await findApp(db, id);
  if (!app || !canSee(principal, app.tenantId)) throw notFound('app', id);
  return app;
}

export async function ownPlan(db: Db, principal: Principal, id: string): Promise<Plan> {
  const found = await findPlan(db, id);
  if (!found || !canSee(principal, found.tenantId)) throw notFound('plan', id);
  return found.plan;
}

/**
 * The tenant a new API or app belongs to: a tenant token's own tenant (naming another is a 404, as if it did
 * not exist), or for the platform token the `tenantId` it must pass.
 */
export async function owningTenant(
  db: Db,
  principal: Principal,
  requested: string | undefined,
): Promise<string> {
  // Unreachable past the role check (a user without a tenant holds no tenant role), refused all the same.
  if (principal.kind === 'user') throw notFound('tenant', requested ?? '-');
  if (principal.kind === 'tenant') {
    if (requested !== undefined && requested !== principal.tenantId) throw notFound('tenant', requested);
    return principal.tenantId;
  }
  if (requested === undefined) {
    throw validationFailed([{ in: 'body', field: 'tenantId', message: 'required with the platform token' }]);
  }
  if (!(await findTenant(db, requested))) throw notFound('tenant', requested);
  return requested;
}
