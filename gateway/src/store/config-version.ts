// The config version: every control-plane write bumps it in the same transaction; replicas poll it.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';

export async function bumpConfigVersion(db: Kysely<Database>): Promise<void> {
  await db.updateTable('config_version').set({ version: sql`version + 1` }).where('id', '=', 1).execute();
}

export async function readConfigVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('config_version')
    .select('version')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.version);
}
