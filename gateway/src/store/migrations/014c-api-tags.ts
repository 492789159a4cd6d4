// Tags on an API (`payments`, `internal`…): the developer portal's catalog filters by them. A JSON array, as
// the other list-valued columns; existing APIs get none.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('apis')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}
