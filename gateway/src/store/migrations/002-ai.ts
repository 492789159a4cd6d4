// AI tables: providers (with their key pools, sealed), models, and the attempts column of the call log.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ai_providers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ai_providers_tenant_name', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('ai_provider_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('provider_id', 'text', (c) => c.notNull().references('ai_providers.id').onDelete('cascade'))
    // AES-256-GCM ciphertext (see security/secret-box.ts); the clear key is never stored.
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ai_provider_keys_provider')
    .on('ai_provider_keys')
    .column('provider_id')
    .execute();

  await db.schema
    .createTable('ai_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // A provider in use by a model cannot be deleted: the admin API answers 409 rather than orphan the model.
    .addColumn('provider_id', 'text', (c) => c.notNull().references('ai_providers.id'))
    .addColumn('upstream_model', 'text', (c) => c.notNull())
    .addColumn('input_price_per_1k', 'double precision', (c) => c.notNull())
    .addColumn('output_price_per_1k', 'double precision', (c) => c.notNull())
    .addColumn('fallback_model_id', 'text', (c) => c.references('ai_models.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ai_models_tenant_name', ['tenant_id', 'name'])
    .execute();

  // JSON: one entry per provider attempt of an AI call (provider, key id, model, status or error, ms).
  await db.schema.alterTable('call_logs').addColumn('attempts', 'text').execute();
}
