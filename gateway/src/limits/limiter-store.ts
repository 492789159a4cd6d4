// Counters for rate limits and quotas: rate-limiter-flexible over process memory, or over Redis so replicas
// share them. A Redis fault never hangs a call: commands fail fast (no offline queue) and the policy decides.
import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export { RateLimiterRes };

export interface LimiterStore {
  readonly kind: 'memory' | 'redis';
  /** A limiter allowing `points` per `durationSec`; cached, so plans sharing numbers share one object. */
  limiter(points: number, durationSec: number): RateLimiterAbstract;
  close(): Promise<void>;
}

export function memoryLimiterStore(): LimiterStore {
  const cache = new Map<string, RateLimiterAbstract>();
  return {
    kind: 'memory',
    limiter(points, duration) {
      const id = `${points}/${duration}`;
      let l = cache.get(id);
      if (!l) {
        l = new RateLimiterMemory({ points, duration, keyPrefix: 'gk' });
        cache.set(id, l);
      }
      return l;
    },
    close: async () => {},
  };
}

export function redisLimiterStore(url: string): LimiterStore {
  const client = new Redis(url, {
    // Fail commands at once while disconnected instead of queueing them behind a dead socket.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  });
  // Connection errors are reported through failed commands; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  const cache = new Map<string, RateLimiterAbstract>();
  return {
    kind: 'redis',
    limiter(points, duration) {
      const id = `${points}/${duration}`;
      let l = cache.get(id);
      if (!l) {
        l = new RateLimiterRedis({
          storeClient: client,
          points,
          duration,
          keyPrefix: 'gk',
          rejectIfRedisNotReady: true,
        });
        cache.set(id, l);
      }
      return l;
    },
    close: async () => {
      client.disconnect();
    },
  };
}
