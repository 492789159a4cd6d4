// A subscription's requested plan change, waiting for the API owner's approval; the current plan serves until
// then (issue 12, point 8).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subscriptions').addColumn('pending_plan_id', 'text').execute();
}
