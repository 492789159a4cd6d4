// Tenants and their admin tokens. A token is stored only as the SHA-256 of the whole token, which is what the
// snapshot's tenantTokens map is keyed by.
import type { Kysely } from 'kysely';
import type { TenantLimits } from '../../domain/types.js';
import { hashSecret, issueKey } from '../../security/secrets.js';
import { newId, nowIso } from '../ids.js';
import type { Database, TenantTable, TenantTokenTable } from '../schema.js';

type Db = Kysely<Database>;

export interface TenantView {
  id: string;
  name: string;
  limits: TenantLimits | null;
  createdAt: string;
}

export interface TenantTokenView {
  id: string;
  tenantId: string;
  name: string | null;
  createdAt: string;
  revokedAt: string | null;
}

const tenantView = (r: TenantTable): TenantView => ({
  id: r.id,
  name: r.name,
  limits: r.limits ? JSON.parse(r.limits) : null,
  createdAt: r.created_at,
});
const tokenView = (r: TenantTokenTable): TenantTokenView => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
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

export async function insertTenantToken(
  db: Db,
  tenantId: string,
  name: string | null,
): Promise<TenantTokenView & { token: string }> {
  const { key } = issueKey('gkt');
  const row: TenantTokenTable = {
    id: newId('tenantToken'),
    tenant_id: tenantId,
    name,
    hash: hashSecret(key),
    created_at: nowIso(),
    revoked_at: null,
  };
  await db.insertInto('tenant_tokens').values(row).execute();
  return { ...tokenView(row), token: key };
}

export async function listTenantTokens(db: Db, tenantId: string): Promise<TenantTokenView[]> {
  const rows = await db
    .selectFrom('tenant_tokens')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(tokenView);
}

export async function findTenantToken(
  db: Db,
  tenantId: string,
  id: string,
): Promise<TenantTokenView | undefined> {
  const row = await db
    .selectFrom('tenant_tokens')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && tokenView(row);
}

export async function revokeTenantToken(db: Db, id: string): Promise<void> {
  await db.updateTable('tenant_tokens').set({ revoked_at: nowIso() }).where('id', '=', id).execute();
}
