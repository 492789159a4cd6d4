// An `ai` API's response cache settings (`settings.cache`): opt-in, exact match on the normalized request.
import { z } from 'zod';

export const cacheSettings = z
  .object({
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(604_800)
      .default(300)
      .meta({ description: 'How long an answer is served from the cache.' }),
    maxEntries: z.number().int().min(1).max(1_000_000).default(1000).meta({
      description:
        'In-memory store only (no REDIS_URL): answers kept per API, least recently used dropped first.',
    }),
    maxEntryBytes: z
      .number()
      .int()
      .min(1)
      .max(10_485_760)
      .default(1_048_576)
      .meta({ description: 'Larger answers are not cached.' }),
    scope: z.enum(['api', 'app']).default('api').meta({
      description: '`api`: one cache for all consumers of the API; `app`: each consumer app its own.',
    }),
    chargeHits: z.boolean().default(false).meta({
      description:
        "Count a hit's tokens (and spend) against the consumer's quotas, rates and budgets as if it had been asked.",
    }),
  })
  .strict();

export type CacheSettings = z.output<typeof cacheSettings>;
