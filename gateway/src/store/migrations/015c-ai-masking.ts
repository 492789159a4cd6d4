// The AI masking guardrail (issue 17, point 10): what it replaced, per pattern, on the call log (JSON).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('call_logs').addColumn('masked', 'text').execute();
}
