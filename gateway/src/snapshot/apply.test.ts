// Incremental correctness: after any generated run of creates, updates, revocations and deletes (written as the
// admin API writes: version bumped in the same transaction), the snapshot kept current by applying the change
// log equals one built from scratch, on both engines. The holder must also have applied them incrementally.
import fc from 'fast-check';
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpConfigVersion, readConfigVersion } from '../store/config-version.js';
import { openStore, type Store } from '../store/db.js';
import { newId, nowIso } from '../store/ids.js';
import { migrate } from '../store/migrate.js';
import type { Database } from '../store/schema.js';
import { storeKinds, type TestDatabase, testDatabase } from '../test-support/stores.js';
import { type RebuildMode, SnapshotHolder } from './holder.js';
import { loadSnapshot, type Snapshot } from './snapshot.js';

type Trx = Transaction<Database>;
type Op = [kind: number, a: number, b: number, c: number];

/** Comparable form: everything but the load time; routes as host|path → id. */
function normalise(s: Snapshot) {
  const { loadedAt: _, routes, ...rest } = s;
  return { ...rest, routes: routes.entries() };
}

const pick = <T>(list: T[], n: number): T | undefined => list[n % Math.max(list.length, 1)];
const statuses = ['draft', 'published', 'deprecated', 'retired'];
const subStatuses = ['pending', 'approved', 'suspended', 'revoked'];
const paths = ['/', '/a', '/a/b', '/b', '/v1', '/v1/x'];
const hosts = [null, 'h.example', 'h.example:8443'];

async function ids(
  trx: Trx,
  table: 'tenants' | 'apis' | 'plans' | 'apps' | 'api_keys' | 'subscriptions' | 'admin_tokens',
) {
  return (await trx.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
}

/** One admin-like write; a no-op when what it needs does not exist (the version is still bumped). */
async function run(trx: Trx, [kind, a, b, c]: Op): Promise<void> {
  const now = nowIso();
  const tenant = pick(await ids(trx, 'tenants'), a);
  switch (kind % 16) {
    case 0:
      await trx
        .insertInto('tenants')
        .values({ id: newId('tenant'), name: newId('tenant'), created_at: now, limits: null })
        .execute();
      return;
    case 1: {
      if (!tenant) return;
      const basePath = `${pick(paths, b)}${c % 3 ? '' : `/n${c}`}`.replace('//', '/');
      const host = pick(hosts, c) ?? null;
      await trx
        .insertInto('apis')
        .values({
          id: newId('api'),
          tenant_id: tenant,
          name: 'x',
          route_key: `${host ?? ''}|${basePath}`,
          base_path: basePath,
          host,
          kind: 'rest',
          auth: 'key',
          visibility: 'public',
          approval: 'auto',
          status: pick(statuses, b)!,
          targets: JSON.stringify([{ url: `http://127.0.0.1:${1000 + (c % 5)}`, weight: 1 }]),
          timeout_ms: 1000,
          retries: 0,
          max_body_bytes: 1024,
          settings: '{}',
          tags: '[]',
          created_at: now,
          updated_at: now,
        })
        .onConflict((o) => o.doNothing())
        .execute();
      return;
    }
    case 2: {
      const api = pick(await ids(trx, 'apis'), a);
      if (api)
        await trx
          .updateTable('apis')
          .set({ status: pick(statuses, b)!, name: `n${c}`, updated_at: now })
          .where('id', '=', api)
          .execute();
      return;
    }
    case 3: {
      const api = pick(await ids(trx, 'apis'), a);
      if (api) await trx.deleteFrom('apis').where('id', '=', api).execute();
      return;
    }
    case 4: {
      const api = pick(await ids(trx, 'apis'), a);
      if (api)
        await trx
          .insertInto('plans')
          .values({
            id: newId('plan'),
            api_id: api,
            name: newId('plan'),
            rate_limit: JSON.stringify({ requestsPerSecond: b + 1, burst: c + 1 }),
            quota: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      return;
    }
    case 5: {
      const plan = pick(await ids(trx, 'plans'), a);
      if (plan)
        await trx
          .updateTable('plans')
          .set({ rate_limit: JSON.stringify({ requestsPerSecond: b + 2, burst: c }), updated_at: now })
          .where('id', '=', plan)
          .execute();
      return;
    }
    case 6:
      if (tenant)
        await trx
          .insertInto('apps')
          .values({ id: newId('app'), tenant_id: tenant, name: `app${b}`, created_at: now })
          .execute();
      return;
    case 7: {
      const app = pick(await ids(trx, 'apps'), a);
      if (app)
        await (b % 2
          ? trx
              .updateTable('apps')
              .set({ name: `r${c}` })
              .where('id', '=', app)
          : trx.deleteFrom('apps').where('id', '=', app)
        ).execute();
      return;
    }
    case 8: {
      const app = pick(await ids(trx, 'apps'), a);
      if (app)
        await trx
          .insertInto('api_keys')
          .values({
            id: newId('key'),
            app_id: app,
            name: null,
            prefix: `gk_${newId('key').slice(4, 14)}`,
            hash: `h${b}`,
            expires_at: c % 2 ? new Date(1e12 + c).toISOString() : null,
            revoked_at: null,
            created_at: now,
          })
          .execute();
      return;
    }
    case 9: {
      const key = pick(await ids(trx, 'api_keys'), a);
      if (key)
        await (b % 3
          ? trx.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', key)
          : trx.deleteFrom('api_keys').where('id', '=', key)
        ).execute();
      return;
    }
    case 10: {
      const [app, plan] = [pick(await ids(trx, 'apps'), a), pick(await ids(trx, 'plans'), b)];
      const planRow =
        plan && (await trx.selectFrom('plans').select('api_id').where('id', '=', plan).executeTakeFirst());
      if (app && planRow)
        await trx
          .insertInto('subscriptions')
          .values({
            id: newId('subscription'),
            app_id: app,
            api_id: planRow.api_id,
            plan_id: plan!,
            pending_plan_id: null,
            status: pick(subStatuses, c)!,
            reason: null,
            comment: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      return;
    }
    case 11: {
      const sub = pick(await ids(trx, 'subscriptions'), a);
      if (sub)
        await trx
          .updateTable('subscriptions')
          .set({ status: pick(subStatuses, b)!, updated_at: now })
          .where('id', '=', sub)
          .execute();
      return;
    }
    case 12: {
      const sub = pick(await ids(trx, 'subscriptions'), a);
      if (sub) await trx.deleteFrom('subscriptions').where('id', '=', sub).execute();
      return;
    }
    case 13:
      if (tenant)
        await trx
          .insertInto('admin_tokens')
          .values({
            id: newId('tenantToken'),
            tenant_id: b % 3 ? tenant : null,
            user_id: b % 2 ? `usr_${c}` : null,
            role: b % 2 ? 'viewer' : 'owner',
            name: null,
            hash: newId('tenantToken'),
            created_at: now,
            expires_at: c % 2 ? new Date(1e12 + c).toISOString() : null,
            revoked_at: null,
          })
          .execute();
      return;
    case 14: {
      const token = pick(await ids(trx, 'admin_tokens'), a);
      if (token)
        await trx.updateTable('admin_tokens').set({ revoked_at: now }).where('id', '=', token).execute();
      if (tenant)
        await trx
          .updateTable('tenants')
          .set({
            limits: b % 2 ? JSON.stringify({ rateLimit: { requestsPerSecond: c + 1, burst: 1 } }) : null,
          })
          .where('id', '=', tenant)
          .execute();
      return;
    }
    default:
      // Rarely: a whole tenant, cascading to its APIs, plans, apps, keys, subscriptions and tokens.
      if (tenant && b % 4 === 0) await trx.deleteFrom('tenants').where('id', '=', tenant).execute();
  }
}

const nothingWritten = new Error('nothing written');

/** Like the admin API: a write that changes nothing (what it needs is gone) rolls back, version and all. */
async function write(store: Store, o: Op): Promise<boolean> {
  try {
    await store.db.transaction().execute(async (trx) => {
      await bumpConfigVersion(trx);
      await run(trx, o);
      const version = await readConfigVersion(trx);
      const logged = await trx
        .selectFrom('config_changes')
        .select('seq')
        .where('version', '=', version)
        .executeTakeFirst();
      if (!logged) throw nothingWritten;
    });
    return true;
  } catch (err) {
    if (err === nothingWritten) return false;
    throw err;
  }
}

const op = fc.tuple(fc.nat(40), fc.nat(), fc.nat(), fc.nat()) as fc.Arbitrary<Op>;

describe.each(storeKinds)('incremental snapshot on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await testDatabase(kind);
    store = openStore(database.url);
    await migrate(store.db as never);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('equals a snapshot built from scratch after any run of writes', { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
        async (batches) => {
          const modes: RebuildMode[] = [];
          const holder = new SnapshotHolder(store.db, { onReload: (_s, mode) => modes.push(mode) });
          await holder.refresh(true);
          let expected: RebuildMode[] = ['full'];
          for (const batch of batches) {
            // Each op is its own admin write (its own version); the holder catches up once per batch.
            let wrote = false;
            for (const o of batch) wrote = (await write(store, o)) || wrote;
            if (wrote) expected = [...expected, 'incremental'];
            await holder.refresh();
          }
          const scratch = await loadSnapshot(store.db, await readConfigVersion(store.db));
          expect(normalise(holder.current)).toEqual(normalise(scratch));
          expect(modes).toEqual(expected);
        },
      ),
      { numRuns: kind === 'sqlite' ? 25 : 10 },
    );
  });
});
