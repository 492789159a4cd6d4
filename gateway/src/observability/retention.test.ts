// LOG_RETENTION_DAYS: records older than the cut-off go, the rest stay, on both stores.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { storeKinds, type TestDatabase, testDatabase } from '../test-support/stores.js';
import { purgeCallLogs } from './retention.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

describe.each(storeKinds)('call-log retention on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;
  afterEach(async () => {
    await store?.close();
    await database?.drop();
  });

  it('purges what is older than the retention and keeps the rest', async () => {
    database = await testDatabase(kind);
    store = openStore(database.url);
    await migrate(store.db as never);
    const ages = [31, 30.5, 29.9, 1, 0];
    await store.db
      .insertInto('call_logs')
      .values(
        ages.map((age) => ({
          ts: Math.round(NOW - age * DAY),
          request_id: `age-${age}`,
          method: 'GET',
          path: '/',
          status: 200,
          latency_ms: 1,
          bytes_in: 0,
          bytes_out: 0,
        })),
      )
      .execute();
    expect(await purgeCallLogs(store.db, 30, NOW)).toBe(2);
    const left = await store.db.selectFrom('call_logs').select('request_id').orderBy('ts').execute();
    expect(left.map((r) => r.request_id)).toEqual(['age-29.9', 'age-1', 'age-0']);
  });
});
