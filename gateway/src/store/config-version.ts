// The config version: every control-plane write bumps it in the same transaction; replicas poll it. Triggers
// (migrations/007-config-changes.ts) log which snapshot entries each version touched, so replicas apply changes.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';

export interface ConfigChange {
  version: number;
  /** The table written. */
  entity: string;
  /** The snapshot key of the row written (see trackedTables). */
  key: string;
}

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

/** The logged changes of versions in (after, upTo], at most `limit` of them. */
export async function readConfigChanges(
  db: Kysely<Database>,
  after: number,
  upTo: number,
  limit: number,
): Promise<ConfigChange[]> {
  const rows = await db
    .selectFrom('config_changes')
    .select(['version', 'entity', 'key'])
    .where('version', '>', after)
    .where('version', '<=', upTo)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ version: Number(r.version), entity: r.entity, key: r.key }));
}

/** Deletes the log of versions up to `through`, a bounded batch at a time; returns the rows deleted. */
export async function pruneConfigChanges(
  db: Kysely<Database>,
  through: number,
  batch = 5000,
): Promise<number> {
  const result = await db
    .deleteFrom('config_changes')
    .where('seq', 'in', (q) =>
      q.selectFrom('config_changes').select('seq').where('version', '<=', through).limit(batch),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
