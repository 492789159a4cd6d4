// The auth method that let a call in (`key`, later `jwt`, `mtls`…): a call record says which one did.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('call_logs').addColumn('auth_method', 'text').execute();
}
