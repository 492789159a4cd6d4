// AI budgets joined the snapshot's AI config (006): their writes are logged like the other AI tables, so a budget
// change is applied as an AI reload instead of a full rebuild of every table.
import type { Kysely } from 'kysely';
import { trackChanges } from './007-config-changes.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await trackChanges(db, 'ai_budgets', '$.id');
}
