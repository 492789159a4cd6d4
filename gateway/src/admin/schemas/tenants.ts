// Tenant and tenant-token bodies and views.
import { z } from 'zod';
import { routeRoles, tenantRoles } from '../principal.js';
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

/** An expiry must lie ahead: a token born expired is a mistake, not a request. */
export const futureTimestamp = z.iso
  .datetime({ offset: true })
  .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
  .transform((v) => new Date(v).toISOString())
  .meta({ description: 'ISO 8601; the token stops working at this time' });

export const tokenParams = z.object({ id, tokenId: id }).strict();
export const tokenCreate = z
  .object({
    name: name.optional(),
    role: z
      .enum(tenantRoles)
      .default('owner')
      .meta({ description: 'What the token may do in the tenant; `viewer` is read-only' }),
    expiresAt: futureTimestamp.optional(),
  })
  .strict();
export const tokenView = z.object({
  id,
  tenantId: id.nullable(),
  userId: id.nullable().meta({ description: 'The user of a personal access token; null for a tenant token' }),
  role: z.enum(routeRoles),
  name: z.string().nullable(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export const tokenIssued = tokenView.omit({ revokedAt: true }).extend({
  token: z.string().meta({ description: 'The bearer token. Shown once; only its hash is stored.' }),
});
