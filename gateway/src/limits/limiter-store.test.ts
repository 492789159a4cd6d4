// The counter stores on their own: a take is one atomic step in memory and in Redis, and a slow process is
// not a slow store. The latter is the likely cause of the flaky "exactly 50 more" of plan-change.test.ts (51, 60
// and 88 under load 40-85, not reproduced as such): a stalled event loop turned a reply that had arrived in time
// into a store error, and the call, failing open, was served past its quota.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, sharedRedisUrl, startRedis } from '../test-support/redis.js';
import { type LimiterStore, memoryLimiterStore, redisLimiterStore, StoreTimeout } from './limiter-store.js';

/** Blocks this process's event loop, as a busy or starved process does. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {}
}

/** A store whose connection is ready (commands fail at once while it is not: no offline queue). */
async function ready(store: LimiterStore): Promise<LimiterStore> {
  for (;;) {
    try {
      await store.get('gk-test-warm-up');
      return store;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const unique = (name: string) => `test:${name}:${process.pid}:${Date.now()}:${Math.random()}`;

describe.each([
  ['memory', async () => memoryLimiterStore()],
  ['redis', async () => ready(redisLimiterStore(sharedRedisUrl))],
])('the %s store', (_kind, open) => {
  let store: LimiterStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store?.close());

  it('a refused take never shows to a concurrent one: the small take that fits is taken', async () => {
    const key = unique('atomic');
    expect((await store.take(key, 5, 10, 60)).taken).toBe(true);
    const [big, small] = await Promise.all([store.take(key, 6, 10, 60), store.take(key, 5, 10, 60)]);
    expect([big.taken, small.taken, small.count]).toEqual([false, true, 10]);
    expect((await store.get(key))?.count).toBe(10);
  });

  it('takes exactly the limit of 300 concurrent takes, and exactly the difference when it is raised', async () => {
    const key = unique('exact');
    const round = async (limit: number) =>
      (await Promise.all(Array.from({ length: 300 }, () => store.take(key, 1, limit, 60)))).filter(
        (r) => r.taken,
      ).length;
    expect(await round(100)).toBe(100);
    expect(await round(150)).toBe(50);
    expect((await store.get(key))?.count).toBe(150);
  });
});

describe('the redis store and time', () => {
  let paused: RedisServer;
  beforeAll(async () => {
    paused = await startRedis();
  });
  afterAll(() => paused?.stop());

  it('a reply that arrived while the event loop was stalled past the deadline is the answer', async () => {
    const store = await ready(redisLimiterStore(sharedRedisUrl));
    const key = unique('stall');
    await store.take(key, 1, 1, 60);
    const refused = store.take(key, 1, 1, 60);
    // The reply comes back within a millisecond, but is read only after the stall, past the 1 s deadline.
    stall(1500);
    // Before: ioredis's commandTimeout rejected it ("Command timed out") and the call went through unlimited.
    expect(await refused).toMatchObject({ count: 1, taken: false });
    await store.close();
  });

  it('a store that does not answer is an error (StoreTimeout), not a hung call', async () => {
    const store = await ready(redisLimiterStore(paused.url));
    const admin = new Redis(paused.url);
    try {
      // Every other client's commands wait until the pause ends, as on a hung server.
      await admin.call('CLIENT', 'PAUSE', '2000', 'ALL');
      await expect(store.take(unique('hung'), 1, 10, 60)).rejects.toBeInstanceOf(StoreTimeout);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => {});
      admin.disconnect();
      await store.close();
    }
  });
});
