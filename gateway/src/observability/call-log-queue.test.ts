// The queue's bound: while the store fails, records wait up to the bound, the rest are dropped and counted;
// when it recovers, the waiting ones are written in order.
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { openStore, type Store } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { sqliteDatabase } from '../test-support/stores.js';
import { CallLogQueue, callLogWriter, toRow } from './call-log-queue.js';
import { blankRecord, type CallRecord } from './call-record.js';

let store: Store;
afterEach(async () => store?.close());

const record = (n: number): CallRecord => ({
  ...blankRecord,
  ts: 1_800_000_000_000 + n,
  requestId: `q${n}`,
  status: 200,
  latencyMs: 1,
});

it('bounds the queue during a store fault and writes what it kept once the store is back', async () => {
  store = openStore('sqlite::memory:');
  await migrate(store.db as never);
  let dropped = 0;
  let errors = 0;
  const depths: number[] = [];
  const queue = new CallLogQueue({
    write: callLogWriter(store).write,
    maxSize: 3,
    batchSize: 10,
    flushMs: 60_000,
    onDepth: (d) => depths.push(d),
    onDrop: (n) => (dropped += n),
    onWriteError: () => errors++,
  });

  await sql`alter table call_logs rename to call_logs_away`.execute(store.db);
  for (let i = 1; i <= 5; i++) queue.push(record(i));
  expect(queue.depth).toBe(3);
  expect(dropped).toBe(2);
  await queue.flushOnce();
  expect(errors).toBe(1);
  expect(queue.depth).toBe(3);

  await sql`alter table call_logs_away rename to call_logs`.execute(store.db);
  await queue.flushOnce();
  expect(queue.depth).toBe(0);
  expect(depths.at(-1)).toBe(0);
  const rows = await store.db.selectFrom('call_logs').select('request_id').orderBy('id').execute();
  expect(rows.map((r) => r.request_id)).toEqual(['q1', 'q2', 'q3']);
});

it('writes a SQLite file from its own thread, visible to the main connection at once', async () => {
  const database = sqliteDatabase();
  store = openStore(database.url);
  await migrate(store.db as never);
  const writer = callLogWriter(store);
  await writer.write([record(1), record(2)].map(toRow));
  await writer.write([record(3)].map(toRow));
  const rows = await store.db.selectFrom('call_logs').select('request_id').orderBy('id').execute();
  expect(rows.map((r) => r.request_id)).toEqual(['q1', 'q2', 'q3']);
  // A batch the database refuses fails its promise and leaves the writer usable.
  await expect(writer.write([{ ...toRow(record(4)), status: null as never }])).rejects.toThrow(/NOT NULL/);
  await writer.write([record(5)].map(toRow));
  expect((await store.db.selectFrom('call_logs').select('request_id').execute()).length).toBe(4);
  await writer.close();
  await database.drop();
});
