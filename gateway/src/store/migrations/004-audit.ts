// The audit log: one row per admin write (and per login/logout), kept when the resource it names is deleted.
import type { Kysely } from 'kysely';
import { isPostgres } from './001-core.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    // Ids grow with insertion order; the list's cursor is keyed on them, as for call logs.
    .addColumn('id', isPostgres(db) ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_label', 'text')
    .addColumn('actor_tenant_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('method', 'text')
    .addColumn('path', 'text')
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    // The tenant that owns the changed resource, and for subscriptions and keys the consuming app's tenant.
    .addColumn('tenant_id', 'text')
    .addColumn('app_tenant_id', 'text')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('ip', 'text')
    .addColumn('request_id', 'text')
    .execute();
  await db.schema.createIndex('audit_log_tenant').on('audit_log').columns(['tenant_id', 'id']).execute();
  await db.schema
    .createIndex('audit_log_app_tenant')
    .on('audit_log')
    .columns(['app_tenant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_actor_tenant')
    .on('audit_log')
    .columns(['actor_tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target_id', 'id']).execute();
}
