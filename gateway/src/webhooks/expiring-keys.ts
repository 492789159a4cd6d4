// The periodic check behind `key.expiring`: an API key that expires within the notice window is announced once
// to its app's tenant (webhook_notices remembers it across replicas and restarts; a changed expiry is news again).
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { firstNotice, raiseEvent } from './events.js';

export async function checkExpiringKeys(db: Kysely<Database>, now: number, windowMs: number): Promise<void> {
  const keys = await db
    .selectFrom('api_keys')
    .innerJoin('apps', 'apps.id', 'api_keys.app_id')
    .select([
      'api_keys.id as id',
      'api_keys.name as name',
      'api_keys.prefix as prefix',
      'api_keys.expires_at as expiresAt',
      'apps.id as appId',
      'apps.name as appName',
      'apps.tenant_id as tenantId',
    ])
    .where('api_keys.revoked_at', 'is', null)
    .where('api_keys.expires_at', '>', new Date(now).toISOString())
    .where('api_keys.expires_at', '<=', new Date(now + windowMs).toISOString())
    .execute();
  for (const key of keys) {
    await db.transaction().execute(async (trx) => {
      if (!(await firstNotice(trx, key.tenantId, `key.expiring:${key.id}:${key.expiresAt}`))) return;
      await raiseEvent(trx, [key.tenantId], 'key.expiring', {
        key: { id: key.id, name: key.name, prefix: key.prefix, expiresAt: key.expiresAt },
        app: { id: key.appId, name: key.appName },
      });
    });
  }
}
