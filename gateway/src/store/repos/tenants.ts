// Tenants. Their admin tokens are in people/token-store.ts.
import type { Kysely } from 'kysely';
import type { TenantLimits } from '../../domain/types.js';
import { newId, nowIso } from '../ids.js';
import type { Database, TenantTable } from '../schema.js';

type Db = Kysely<Database>;

export interface TenantView {
  id: string;
  name: string;
  limits: TenantLimits | null;
  createdAt: string;
}

const tenantView = (r: TenantTable): TenantView => ({
  id: r.id,
  name: r.name,
  limits: r.limits ? JSON.parse(r.limits) : null,
  createdAt: r.created_at,
});
export async function insertTenant(
  db: Db,
  name: string,
  limits: TenantLimits | null = null,
): Promise<TenantView> {
  const row: TenantTable = {
    id: newId('tenant'),
    name,
    created_at: nowIso(),
    limits: limits ? JSON.stringify(limits) : null,
  };
  await db.insertInto('tenants').values(row).execute();
  return tenantView(row);
}

export async function listTenants(db: Db): Promise<TenantView[]> {
  const rows = await db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(tenantView);
}

export async function findTenant(db: Db, id: string): Promise<TenantView | undefined> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  return row && tenantView(row);
}

export async function renameTenant(db: Db, id: string, name: string): Promise<void> {
  await db.updateTable('tenants').set({ name }).where('id', '=', id).execute();
}

export async function setTenantLimits(db: Db, id: string, limits: TenantLimits | null): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ limits: limits ? JSON.stringify(limits) : null })
    .where('id', '=', id)
    .execute();
}

export async function deleteTenant(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
