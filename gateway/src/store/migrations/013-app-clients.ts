// Credentials an app is known by besides its API keys: OAuth client ids (JWT and introspected tokens name one)
// and client certificates (mTLS, by SHA-256 fingerprint or by subject). Each maps to exactly one app.
import type { Kysely } from 'kysely';
import { trackChanges } from './007-config-changes.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('app_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('app_clients_kind_value', ['kind', 'value'])
    .execute();
  await db.schema.createIndex('app_clients_app').on('app_clients').column('app_id').execute();
  // The snapshot keys an entry by kind and value, so a replica applies a change without a full rebuild.
  await trackChanges(db, 'app_clients', "$.kind || ' ' || $.value");
}
