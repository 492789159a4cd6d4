// Options of the rate-limit policy that live on an API: the per-client-IP limit of an anonymous (auth: none)
// API, whose calls have no subscription and so no plan.
import { z } from 'zod';

const count = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().optional();

export const anonymousLimitSettings = z
  .object({
    rateLimit: z
      .object({
        requestsPerSecond: z.number().positive().max(1_000_000),
        burst: z.number().int().min(1).max(10_000_000),
      })
      .strict()
      .nullable()
      .optional(),
    quota: z.object({ requestsPerDay: count, requestsPerMonth: count }).strict().nullable().optional(),
  })
  .strict();

export type AnonymousLimitSettings = z.infer<typeof anonymousLimitSettings>;
