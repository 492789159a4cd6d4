// AI round two: a connection cap per provider (each provider gets its own pool), token and request rates per
// model, and spend budgets per consumer app or tenant.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('ai_providers')
    .addColumn('max_connections', 'integer', (c) => c.notNull().defaultTo(128))
    .execute();
  await db.schema.alterTable('ai_models').addColumn('tokens_per_minute', 'integer').execute();
  await db.schema.alterTable('ai_models').addColumn('requests_per_minute', 'integer').execute();
  await db.schema
    .createTable('ai_budgets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The tenant that set the budget (the AI APIs' owner); the budget counts spend on that tenant's models.
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    /** `app` or `tenant`: whose spend is capped (a consumer app, or a consumer tenant across its apps). */
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('usd_per_day', 'double precision')
    .addColumn('usd_per_month', 'double precision')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ai_budgets_scope', ['tenant_id', 'scope', 'scope_id'])
    .execute();
}
