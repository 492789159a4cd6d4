// Counters for rate limits and quotas, in process memory or in Redis so replicas share them. A counter is keyed
// by scope and window, never by the limit: the limit in force is passed with each call, so a plan whose limit
// changes keeps the usage so far, and a refused call adds nothing (docs/decisions/0002-limits.md).
// A Redis fault never hangs a call: commands fail fast (no offline queue) and the policy decides.
import { Redis } from 'ioredis';
import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface Count {
  /** The counter after the operation (unchanged when a take was refused). */
  count: number;
  /** Until the window ends. */
  msLeft: number;
}

export interface LimiterStore {
  readonly kind: 'memory' | 'redis';
  /** Adds `points` unless the counter would pass `limit`; atomic, so racing replicas admit exactly the limit. */
  take(key: string, points: number, limit: number, ttlSec: number): Promise<Count & { taken: boolean }>;
  /** Adds `points` whatever the limit (tokens after a call); negative gives them back. */
  add(key: string, points: number, ttlSec: number): Promise<void>;
  get(key: string): Promise<Count | null>;
  close(): Promise<void>;
}

export function memoryLimiterStore(): LimiterStore {
  // Used as a plain counter with expiry: high enough that the library never refuses by itself.
  const counter = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: 1, keyPrefix: 'gk' });
  return {
    kind: 'memory',
    async take(key, points, limit, ttlSec) {
      const res = await counter.penalty(key, points, { customDuration: ttlSec });
      if (res.consumedPoints <= limit)
        return { count: res.consumedPoints, msLeft: res.msBeforeNext, taken: true };
      // One process, memory operations that cannot fail: giving the points straight back is exact.
      await counter.reward(key, points, { customDuration: ttlSec });
      return { count: res.consumedPoints - points, msLeft: res.msBeforeNext, taken: false };
    },
    async add(key, points, ttlSec) {
      await counter.penalty(key, points, { customDuration: ttlSec });
    },
    async get(key) {
      const res = await counter.get(key);
      return res ? { count: res.consumedPoints, msLeft: res.msBeforeNext } : null;
    },
    close: async () => {},
  };
}

// KEYS[1] counter; ARGV points, limit (-1: none), ttl ms. Returns { count, pttl, taken }. The check and the
// increment are one script, so a refused call never touches the counter and there is nothing to give back.
const TAKE = `
local v = tonumber(redis.call('get', KEYS[1]) or '0')
local p = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if limit >= 0 and v + p > limit then
  return {v, redis.call('pttl', KEYS[1]), 0}
end
v = redis.call('incrby', KEYS[1], p)
local ttl = redis.call('pttl', KEYS[1])
if ttl < 0 then
  redis.call('pexpire', KEYS[1], ARGV[3])
  ttl = tonumber(ARGV[3])
end
return {v, ttl, 1}`;

type CountingRedis = Redis & {
  gkTake(key: string, points: number, limit: number, ttlMs: number): Promise<[number, number, number]>;
};

export function redisLimiterStore(url: string): LimiterStore {
  const client = new Redis(url, {
    // Fail commands at once while disconnected instead of queueing them behind a dead socket.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  }) as CountingRedis;
  // Connection errors are reported through failed commands; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  client.defineCommand('gkTake', { numberOfKeys: 1, lua: TAKE });
  const k = (key: string) => `gk:${key}`;
  const ms = (sec: number) => Math.max(1, Math.round(sec * 1000));
  return {
    kind: 'redis',
    async take(key, points, limit, ttlSec) {
      const [count, msLeft, taken] = await client.gkTake(k(key), points, limit, ms(ttlSec));
      return { count, msLeft, taken: taken === 1 };
    },
    async add(key, points, ttlSec) {
      await client.gkTake(k(key), points, -1, ms(ttlSec));
    },
    async get(key) {
      const [[, value], [, pttl]] = (await client.multi().get(k(key)).pttl(k(key)).exec()) as [
        [unknown, string | null],
        [unknown, number],
      ];
      return value === null ? null : { count: Number(value), msLeft: Math.max(0, pttl) };
    },
    close: async () => {
      client.disconnect();
    },
  };
}
