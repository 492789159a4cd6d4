// One token model for the admin API: tenant tokens and personal access tokens share `admin_tokens`, each with a
// role, an optional expiry and, for a personal token, its user (platform-wide when tenant_id is null).
// tenant_tokens is copied over (as owners: what a tenant token could do before roles) and dropped.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('admin_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('admin_tokens_tenant').on('admin_tokens').column('tenant_id').execute();
  await db.schema.createIndex('admin_tokens_user').on('admin_tokens').column('user_id').execute();
  await sql`insert into admin_tokens (id, tenant_id, user_id, role, name, hash, created_at, expires_at, revoked_at)
    select id, tenant_id, null, 'owner', name, hash, created_at, null, revoked_at from tenant_tokens`.execute(
    db,
  );
  await db.schema.dropTable('tenant_tokens').execute();
}
