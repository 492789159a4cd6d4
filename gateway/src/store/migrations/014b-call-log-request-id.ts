// The log explorer finds a call by its request id (the id a caller quotes in a support ticket); without an
// index that is a scan of the whole call log. One more b-tree entry per insert is the price.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('call_logs_request_id').on('call_logs').column('request_id').execute();
}
