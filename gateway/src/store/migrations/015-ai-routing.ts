// Load balancing across the deployments of one model (issue 17, point 8): the strategy, the weight of the
// model's own provider and its other deployments (JSON), on the model row.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('ai_models')
    .addColumn('routing', 'text', (c) => c.notNull().defaultTo('weighted'))
    .execute();
  await db.schema
    .alterTable('ai_models')
    .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('ai_models')
    .addColumn('deployments', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}
