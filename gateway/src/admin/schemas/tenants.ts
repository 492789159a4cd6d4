// Tenant and tenant-token bodies and views.
import { z } from 'zod';
import { id, name, timestamp } from './common.js';
import { count, rateLimit } from './plans.js';

/** A cap across all of the tenant's apps, on top of each subscription's plan; null or absent: none. */
const tenantLimits = z
  .object({
    rateLimit: rateLimit.nullable().optional(),
    quota: z.object({ requestsPerDay: count, requestsPerMonth: count }).strict().nullable().optional(),
  })
  .strict();

export const tenantCreate = z.object({ name, limits: tenantLimits.nullable().optional() }).strict();
export const tenantPatch = tenantCreate.partial().strict();
export const tenantView = z.object({ id, name, limits: tenantLimits.nullable(), createdAt: timestamp });

export const tokenParams = z.object({ id, tokenId: id }).strict();
export const tokenCreate = z.object({ name: name.optional() }).strict();
export const tokenView = z.object({
  id,
  tenantId: id,
  name: z.string().nullable(),
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
});
export const tokenIssued = z.object({
  id,
  tenantId: id,
  name: z.string().nullable(),
  token: z.string().meta({ description: 'The bearer token. Shown once; only its hash is stored.' }),
  createdAt: timestamp,
});
