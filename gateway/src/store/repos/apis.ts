// APIs: the routes the data plane serves. route_key (host + base path) is unique, so two APIs cannot
// claim one route even when two writers race.
import type { Kysely } from 'kysely';
import type { Api, ApiStatus } from '../../domain/types.js';
import { apiFromRow, routeKey } from '../rows.js';
import type { ApiTable, Database } from '../schema.js';

type Db = Kysely<Database>;

export function apiToRow(api: Api): ApiTable {
  return {
    id: api.id,
    tenant_id: api.tenantId,
    name: api.name,
    route_key: routeKey(api.host, api.basePath),
    base_path: api.basePath,
    host: api.host,
    kind: api.kind,
    auth: Array.isArray(api.auth) ? api.auth.join(',') : api.auth,
    visibility: api.visibility,
    approval: api.approval,
    status: api.status,
    targets: JSON.stringify(api.targets),
    timeout_ms: api.timeoutMs,
    retries: api.retries,
    max_body_bytes: api.maxBodyBytes,
    settings: JSON.stringify(api.settings),
    tags: JSON.stringify(api.tags),
    created_at: api.createdAt,
    updated_at: api.updatedAt,
  };
}

export async function insertApi(db: Db, api: Api): Promise<void> {
  await db.insertInto('apis').values(apiToRow(api)).execute();
}

export async function updateApi(db: Db, api: Api): Promise<void> {
  const { id, created_at: _created, tenant_id: _tenant, ...changes } = apiToRow(api);
  await db.updateTable('apis').set(changes).where('id', '=', id).execute();
}

export async function findApi(db: Db, id: string): Promise<Api | undefined> {
  const row = await db.selectFrom('apis').selectAll().where('id', '=', id).executeTakeFirst();
  return row && apiFromRow(row);
}

/** All APIs, or one tenant's. */
export async function listApis(db: Db, tenantId: string | null): Promise<Api[]> {
  let query = db.selectFrom('apis').selectAll().orderBy('created_at').orderBy('id');
  if (tenantId !== null) query = query.where('tenant_id', '=', tenantId);
  return (await query.execute()).map(apiFromRow);
}

/** Published, public APIs of every tenant: what any caller may discover and subscribe to. */
export async function listCatalogApis(db: Db): Promise<Api[]> {
  const rows = await db
    .selectFrom('apis')
    .selectAll()
    .where('status', '=', 'published')
    .where('visibility', '=', 'public')
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(apiFromRow);
}

/** The API holding this route, if any (other than `exceptId`). */
export async function routeHolder(db: Db, key: string, exceptId?: string): Promise<string | undefined> {
  let query = db.selectFrom('apis').select('id').where('route_key', '=', key);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst())?.id;
}

export async function deleteApi(db: Db, id: string): Promise<void> {
  await db.deleteFrom('apis').where('id', '=', id).execute();
}

/** Moves the status only if it is still one of `from`; returns false when another writer got there first. */
export async function transitionApi(
  db: Db,
  id: string,
  from: readonly ApiStatus[],
  to: ApiStatus,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('apis')
    .set({ status: to, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
