// The OAuth client ids and client certificates an app registered (migration 013).
import type { Kysely } from 'kysely';
import { type AppClientKind, normalizeClientValue } from '../../domain/app-clients.js';
import { newId, nowIso } from '../ids.js';
import type { AppClientTable, Database } from '../schema.js';

type Db = Kysely<Database>;

export interface AppClientView {
  id: string;
  appId: string;
  kind: AppClientKind;
  value: string;
  createdAt: string;
}

const view = (r: AppClientTable): AppClientView => ({
  id: r.id,
  appId: r.app_id,
  kind: r.kind as AppClientKind,
  value: r.value,
  createdAt: r.created_at,
});

export async function insertAppClient(
  db: Db,
  appId: string,
  kind: AppClientKind,
  value: string,
): Promise<AppClientView> {
  const row: AppClientTable = {
    id: newId('appClient'),
    app_id: appId,
    kind,
    value: normalizeClientValue(kind, value),
    created_at: nowIso(),
  };
  await db.insertInto('app_clients').values(row).execute();
  return view(row);
}

export async function listAppClients(db: Db, appId: string): Promise<AppClientView[]> {
  const rows = await db
    .selectFrom('app_clients')
    .selectAll()
    .where('app_id', '=', appId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(view);
}

/** Deletes the client if it is this app's; false when there was none. */
export async function deleteAppClient(db: Db, appId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('app_clients')
    .where('app_id', '=', appId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
