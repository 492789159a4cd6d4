// A webhook's signing secret can be rolled: the new one signs at once, and the previous one keeps signing beside
// it (a second `v1=` in the signature header) until its expiry, so receivers switch without losing a delivery.
// The hint (last four characters) lets configuration as code notice a changed secret without reading it back.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('webhooks')
    .addColumn('secret_hint', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('webhooks').addColumn('previous_secret_sealed', 'text').execute();
  // Epoch milliseconds, as the delivery log's times.
  await db.schema.alterTable('webhooks').addColumn('previous_secret_expires_at', 'bigint').execute();
}
