// Tenant and tenant-token bodies and views.
import { z } from 'zod';
import { id, name, timestamp } from './common.js';

export const tenantCreate = z.object({ name }).strict();
export const tenantPatch = z.object({ name }).partial().strict();
export const tenantView = z.object({ id, name, createdAt: timestamp });

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
