// Counters for rate limits and quotas, in process memory or in Redis so replicas share them. A counter is keyed
// by scope and window, never by the limit: the limit in force is passed with each call, so a plan whose limit
// changes keeps the usage so far, and a refused call adds nothing (docs/decisions/0002-limits.md).
// A Redis fault never hangs a call: commands fail fast (no offline queue) and the policy decides.
import { Redis } from 'ioredis';

export interface Count {
  /** The counter after the operation (unchanged when a take was refused). */
  count: number;
  /** Until the window ends. */
  msLeft: number;
}

export interface LimiterStore {
  readonly kind: 'memory' | 'redis' | 'cluster';
  /** Adds `points` unless the counter would pass `limit`; atomic, so racing replicas admit exactly the limit. */
  take(key: string, points: number, limit: number, ttlSec: number): Promise<Count & { taken: boolean }>;
  /** Adds `points` whatever the limit (tokens after a call); negative gives them back. */
  add(key: string, points: number, ttlSec: number): Promise<void>;
  get(key: string): Promise<Count | null>;
  close(): Promise<void>;
}

export function memoryLimiterStore(): LimiterStore {
  // A plain map, not a library limiter: check and increment happen in one synchronous step, so no other call can
  // see (and be refused by) points that a refused take would have to give back.
  const counters = new Map<string, { count: number; until: number }>();
  const live = (key: string, now: number) => {
    const c = counters.get(key);
    if (c && c.until <= now) counters.delete(key);
    return c && c.until > now ? c : null;
  };
  const bump = (key: string, points: number, ttlSec: number, now: number) => {
    const c = live(key, now) ?? { count: 0, until: now + ttlSec * 1000 };
    c.count += points;
    counters.set(key, c);
    return c;
  };
  // Windows end by the clock; a sweep now and then drops the ones nobody asked about again.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, c] of counters) if (c.until <= now) counters.delete(key);
  }, 60_000);
  sweep.unref();
  return {
    kind: 'memory',
    async take(key, points, limit, ttlSec) {
      const now = Date.now();
      const c = live(key, now);
      const count = c?.count ?? 0;
      if (count + points > limit) return { count, msLeft: c ? c.until - now : ttlSec * 1000, taken: false };
      const after = bump(key, points, ttlSec, now);
      return { count: after.count, msLeft: after.until - now, taken: true };
    },
    async add(key, points, ttlSec) {
      bump(key, points, ttlSec, Date.now());
    },
    async get(key) {
      const now = Date.now();
      const c = live(key, now);
      return c ? { count: c.count, msLeft: c.until - now } : null;
    },
    close: async () => clearInterval(sweep),
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

/** A Redis that does not answer within this is treated as down (the policy then fails open or closed). */
const COMMAND_TIMEOUT_MS = 1000;

export class StoreTimeout extends Error {
  override name = 'StoreTimeout';
  constructor(ms: number) {
    super(`the limits store did not answer within ${ms} ms`);
  }
}

/**
 * Rejects when `ms` pass without an answer, judged after the I/O already received has been read. ioredis'
 * own commandTimeout fires in the timers phase, before the poll phase reads the socket: a busy process whose
 * event loop stalled for a second took a reply that had arrived in time for a store error, and the call was
 * then served without limits (LIMITS_ON_STORE_ERROR=open) past its quota. The verdict waits one setImmediate,
 * which runs after the poll phase of the same loop turn.
 */
export function withDeadline<T>(command: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => setImmediate(() => reject(new StoreTimeout(ms))), ms);
    command.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

type CountingRedis = Redis & {
  gkTake(key: string, points: number, limit: number, ttlMs: number): Promise<[number, number, number]>;
};

export function redisLimiterStore(url: string): LimiterStore {
  const client = new Redis(url, {
    // Fail commands at once while disconnected instead of queueing them behind a dead socket.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  }) as CountingRedis;
  // Connection errors are reported through failed commands; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  client.defineCommand('gkTake', { numberOfKeys: 1, lua: TAKE });
  const k = (key: string) => `gk:${key}`;
  const timed = <T>(command: Promise<T>) => withDeadline(command, COMMAND_TIMEOUT_MS);
  const ms = (sec: number) => Math.max(1, Math.round(sec * 1000));
  return {
    kind: 'redis',
    async take(key, points, limit, ttlSec) {
      const [count, msLeft, taken] = await timed(client.gkTake(k(key), points, limit, ms(ttlSec)));
      return { count, msLeft, taken: taken === 1 };
    },
    async add(key, points, ttlSec) {
      await timed(client.gkTake(k(key), points, -1, ms(ttlSec)));
    },
    async get(key) {
      const [[, value], [, pttl]] = (await timed(client.multi().get(k(key)).pttl(k(key)).exec())) as [
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
