// Applies the schema migrations at start-up; they are code, so the image carries them and nothing is read from disk.
import { type Kysely, type Migration, Migrator } from 'kysely';
import * as core from './migrations/001-core.js';
import * as ai from './migrations/002-ai.js';
import * as tenantLimits from './migrations/003-tenant-limits.js';
import * as audit from './migrations/004-audit.js';
import * as people from './migrations/005-people.js';
import * as users from './migrations/005b-users.js';
import * as aiLimits from './migrations/006-ai-limits.js';
import * as configChanges from './migrations/007-config-changes.js';
import * as trackBudgets from './migrations/007b-track-budgets.js';
import * as callAuth from './migrations/009-call-auth.js';
import * as clientRequestId from './migrations/010-client-request-id.js';
import * as pendingPlan from './migrations/010b-pending-plan.js';
import * as sso from './migrations/011-sso.js';
import * as webhooks from './migrations/012-webhooks.js';
import * as appClients from './migrations/013-app-clients.js';
import * as apiSpecs from './migrations/014-api-specs.js';
import * as callLogRequestId from './migrations/014b-call-log-request-id.js';
import * as apiTags from './migrations/014c-api-tags.js';
import * as aiRouting from './migrations/015-ai-routing.js';
import * as aiCache from './migrations/015b-ai-cache.js';
import * as aiMasking from './migrations/015c-ai-masking.js';
import * as aiProviderOptions from './migrations/016-ai-provider-options.js';
import * as webhookSecretRotation from './migrations/019-webhook-secret-rotation.js';

/** Ordered by name; later issues append here (002-ai, …). */
export const migrations: Record<string, Migration> = {
  '001-core': core,
  '002-ai': ai,
  '003-tenant-limits': tenantLimits,
  '004-audit': audit,
  '005-people': people,
  '005b-users': users,
  '006-ai-limits': aiLimits,
  '007-config-changes': configChanges,
  '007b-track-budgets': trackBudgets,
  '009-call-auth': callAuth,
  '010-client-request-id': clientRequestId,
  '010b-pending-plan': pendingPlan,
  '011-sso': sso,
  '012-webhooks': webhooks,
  '013-app-clients': appClients,
  '014-api-specs': apiSpecs,
  '014b-call-log-request-id': callLogRequestId,
  '014c-api-tags': apiTags,
  '015-ai-routing': aiRouting,
  '015b-ai-cache': aiCache,
  '015c-ai-masking': aiMasking,
  '016-ai-provider-options': aiProviderOptions,
  '019-webhook-secret-rotation': webhookSecretRotation,
};

export async function migrate(db: Kysely<unknown>): Promise<void> {
  // Prefixes are handed out per feature and land in any order (006 before 005): a store that already ran a
  // later one must still take an earlier newcomer, which Kysely refuses unless told.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message}`);
  }
}
