// Plan bodies and views. Every limit is optional: absent or null means unlimited.
import { z } from 'zod';
import { id, name, timestamp } from './common.js';

export const count = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().optional();

export const rateLimit = z
  .object({
    requestsPerSecond: z.number().positive().max(1_000_000),
    burst: z.number().int().min(1).max(10_000_000),
  })
  .strict();

const quota = z
  .object({
    requestsPerDay: count,
    requestsPerMonth: count,
    tokensPerDay: count,
    tokensPerMonth: count,
    // AI APIs (docs/ai.md): OpenAI-style per-minute limits per subscription, and a completion cap per call.
    tokensPerMinute: count,
    requestsPerMinute: count,
    maxTokensPerCall: count,
  })
  .strict();

export const planCreate = z
  .object({ name, rateLimit: rateLimit.nullable().optional(), quota: quota.nullable().optional() })
  .strict();
export const planPatch = planCreate.partial().strict();

export const planView = z.object({
  id,
  apiId: id,
  name: z.string(),
  rateLimit: rateLimit.nullable(),
  quota: quota.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
