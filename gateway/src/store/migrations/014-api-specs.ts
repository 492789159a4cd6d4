// The OpenAPI document an API's owner attaches to it (PUT /admin/v1/apis/{id}/spec), shown by the developer
// portal. Kept apart from `apis`: the data plane's snapshot reads every API row and never needs the document.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_specs')
    .addColumn('api_id', 'text', (c) => c.primaryKey().references('apis.id').onDelete('cascade'))
    // The document as JSON (a YAML upload is stored converted), checked against the OpenAPI 3.x schema.
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('openapi', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
