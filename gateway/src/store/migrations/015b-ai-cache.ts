// The AI response cache (issue 17, point 9): whether a call was answered from it, on the call log.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('call_logs').addColumn('ai_cache', 'text').execute();
}
