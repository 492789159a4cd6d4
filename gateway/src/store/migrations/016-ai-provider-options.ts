// AI providers of more kinds (Azure OpenAI, Gemini's native API) and from named presets: their extra settings
// (preset, Azure api-version and deployments, extra headers) as one JSON column, null when unused.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ai_providers').addColumn('options', 'text').execute();
}
