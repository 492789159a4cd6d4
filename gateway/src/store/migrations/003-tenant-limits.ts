// A tenant-wide cap across all of a tenant's apps: rate limit and request quotas, JSON like a plan's.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('limits', 'text').execute();
}
