// The change log that lets a replica apply a config version incrementally: a trigger on every table the snapshot
// reads records, in the writing transaction, which snapshot entry changed and at which config version.
import { type Kysely, sql } from 'kysely';
import { isPostgres } from './001-core.js';

/**
 * Table → the SQL naming a row's snapshot entry, `$` standing for the row: the map key the snapshot uses, so a
 * deleted row still says what to drop. A new table the snapshot reads needs a line here (in its own migration).
 */
export const trackedTables: Record<string, string> = {
  tenants: '$.id',
  admin_tokens: '$.hash',
  apis: '$.id',
  plans: '$.id',
  apps: '$.id',
  api_keys: '$.prefix',
  subscriptions: "$.app_id || ' ' || $.api_id",
  ai_providers: '$.id',
  ai_provider_keys: '$.id',
  ai_models: '$.id',
};

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('config_changes')
    .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('config_changes_version').on('config_changes').column('version').execute();
  for (const [table, key] of Object.entries(trackedTables)) await trackChanges(db, table, key);
}

/** Installs the change-recording triggers on `table` (SQLite or PostgreSQL). */
export async function trackChanges(db: Kysely<unknown>, table: string, key: string): Promise<void> {
  const of = (row: 'NEW' | 'OLD') => key.replaceAll('$', row);
  const record = (row: 'NEW' | 'OLD', extra = '') =>
    `insert into config_changes (version, entity, key) select version, '${table}', ${of(row)} from config_version where id = 1${extra};`;
  if (isPostgres(db)) {
    await sql
      .raw(
        `create or replace function config_change_${table}() returns trigger language plpgsql as $fn$
        begin
          if tg_op = 'DELETE' or (tg_op = 'UPDATE' and ${of('OLD')} is distinct from ${of('NEW')}) then ${record('OLD')} end if;
          if tg_op <> 'DELETE' then ${record('NEW')} end if;
          return null;
        end $fn$`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger config_change_${table} after insert or update or delete on ${table}
         for each row execute function config_change_${table}()`,
      )
      .execute(db);
    return;
  }
  await sql
    .raw(`create trigger config_change_${table}_insert after insert on ${table} begin ${record('NEW')} end`)
    .execute(db);
  await sql
    .raw(
      `create trigger config_change_${table}_update after update on ${table} begin
       ${record('NEW')} ${record('OLD', ` and ${of('OLD')} is not ${of('NEW')}`)} end`,
    )
    .execute(db);
  await sql
    .raw(`create trigger config_change_${table}_delete after delete on ${table} begin ${record('OLD')} end`)
    .execute(db);
}
