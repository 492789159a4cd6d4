// Apps (consumers) and their API keys. A key is stored as prefix + SHA-256 of its secret; the key itself
// leaves the gateway once, in the response that created it.
import type { Kysely } from 'kysely';
import { issueKey } from '../../security/secrets.js';
import { newId, nowIso } from '../ids.js';
import type { ApiKeyTable, AppTable, Database } from '../schema.js';

type Db = Kysely<Database>;

export interface AppView {
  id: string;
  tenantId: string;
  name: string;
  createdAt: string;
}

export interface KeyView {
  id: string;
  appId: string;
  name: string | null;
  prefix: string;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

const appView = (r: AppTable): AppView => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  createdAt: r.created_at,
});
const keyView = (r: ApiKeyTable): KeyView => ({
  id: r.id,
  appId: r.app_id,
  name: r.name,
  prefix: r.prefix,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
});

export async function insertApp(db: Db, tenantId: string, name: string): Promise<AppView> {
  const row: AppTable = { id: newId('app'), tenant_id: tenantId, name, created_at: nowIso() };
  await db.insertInto('apps').values(row).execute();
  return appView(row);
}

export async function findApp(db: Db, id: string): Promise<AppView | undefined> {
  const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
  return row && appView(row);
}

export async function listApps(db: Db, tenantId: string | null): Promise<AppView[]> {
  let query = db.selectFrom('apps').selectAll().orderBy('created_at').orderBy('id');
  if (tenantId !== null) query = query.where('tenant_id', '=', tenantId);
  return (await query.execute()).map(appView);
}

export async function renameApp(db: Db, id: string, name: string): Promise<void> {
  await db.updateTable('apps').set({ name }).where('id', '=', id).execute();
}

export async function deleteApp(db: Db, id: string): Promise<void> {
  await db.deleteFrom('apps').where('id', '=', id).execute();
}

export async function insertKey(
  db: Db,
  appId: string,
  name: string | null,
  expiresAt: string | null,
): Promise<Omit<KeyView, 'revokedAt'> & { key: string }> {
  const issued = issueKey('gk');
  const row: ApiKeyTable = {
    id: newId('key'),
    app_id: appId,
    name,
    prefix: issued.prefix,
    hash: issued.hash,
    expires_at: expiresAt,
    revoked_at: null,
    created_at: nowIso(),
  };
  await db.insertInto('api_keys').values(row).execute();
  const { revokedAt: _never, ...view } = keyView(row);
  return { ...view, key: issued.key };
}

export async function listKeys(db: Db, appId: string): Promise<KeyView[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('app_id', '=', appId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(keyView);
}

export async function findKey(db: Db, appId: string, id: string): Promise<KeyView | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('app_id', '=', appId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && keyView(row);
}

export async function revokeKey(db: Db, id: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: nowIso() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function updateKey(
  db: Db,
  id: string,
  fields: { name?: string | null; expiresAt?: string | null },
): Promise<void> {
  const set: Partial<ApiKeyTable> = {};
  if (fields.name !== undefined) set.name = fields.name;
  if (fields.expiresAt !== undefined) set.expires_at = fields.expiresAt;
  if (Object.keys(set).length > 0) await db.updateTable('api_keys').set(set).where('id', '=', id).execute();
}
