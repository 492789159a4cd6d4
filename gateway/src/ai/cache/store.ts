// Where cached answers live: process memory (a bounded LRU per API) or, with REDIS_URL, Redis (shared by
// replicas, expiring by TTL). Either failing is a miss, never an error: the call goes to the provider.
import { Redis } from 'ioredis';
import { withDeadline } from '../../limits/limiter-store.js';

export interface CachedAnswer {
  /** The JSON answer as sent. */
  body: string;
  /** The public model name the call asked for. */
  model: string;
  promptTokens: number;
  completionTokens: number;
}

export interface AnswerStore {
  readonly kind: 'memory' | 'redis';
  get(scope: string, key: string): Promise<CachedAnswer | null>;
  set(scope: string, key: string, answer: CachedAnswer, ttlSec: number, maxEntries: number): Promise<void>;
  close(): Promise<void>;
}

/** A Redis command slower than this is a miss: the provider is a safer bet than a stuck cache. */
const REDIS_MS = 500;

export function memoryAnswers(now: () => number = Date.now): AnswerStore {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const scopes = new Map<string, Map<string, { answer: CachedAnswer; until: number }>>();
  return {
    kind: 'memory',
    async get(scope, key) {
      const entries = scopes.get(scope);
      const entry = entries?.get(key);
      if (!entries || !entry) return null;
      entries.delete(key);
      if (entry.until <= now()) return null;
      entries.set(key, entry);
      return entry.answer;
    },
    async set(scope, key, answer, ttlSec, maxEntries) {
      const entries = scopes.get(scope) ?? new Map();
      scopes.set(scope, entries);
      entries.delete(key);
      entries.set(key, { answer, until: now() + ttlSec * 1000 });
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    },
    close: async () => scopes.clear(),
  };
}

export function redisAnswers(url: string, prefix = 'gk:cache:'): AnswerStore {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Faults show as failed commands (misses); an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  const k = (scope: string, key: string) => `${prefix}${scope}:${key}`;
  return {
    kind: 'redis',
    async get(scope, key) {
      const text = await withDeadline(client.get(k(scope, key)), REDIS_MS);
      return text === null ? null : (JSON.parse(text) as CachedAnswer);
    },
    async set(scope, key, answer, ttlSec) {
      await withDeadline(client.set(k(scope, key), JSON.stringify(answer), 'EX', ttlSec), REDIS_MS);
    },
    close: async () => {
      client.disconnect();
    },
  };
}
