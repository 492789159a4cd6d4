// The X-Request-Id a client sent, kept apart from the gateway's own request id and searchable (issue 12, point 5).
// Not indexed, like request_id: the call log's insert path stays as cheap as it was.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('call_logs').addColumn('client_request_id', 'text').execute();
}
