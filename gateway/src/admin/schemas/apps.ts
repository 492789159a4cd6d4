// App and API-key bodies and views.
import { z } from 'zod';
import { id, name, timestamp } from './common.js';

export const appCreate = z
  .object({
    name,
    tenantId: id
      .optional()
      .meta({ description: 'Required with the platform token; implied by a tenant token.' }),
  })
  .strict();
export const appPatch = z.object({ name }).partial().strict();
export const appView = z.object({ id, tenantId: id, name: z.string(), createdAt: timestamp });

export const keyParams = z.object({ id, keyId: id }).strict();
export const keyCreate = z
  .object({
    name: name.optional(),
    expiresAt: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v).toISOString())
      .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
      .nullable()
      .optional(),
  })
  .strict();

const keyFields = {
  id,
  appId: id,
  name: z.string().nullable(),
  prefix: z.string().meta({ description: 'Public part of the key, safe to show and log.' }),
  expiresAt: timestamp.nullable(),
  createdAt: timestamp,
};
export const keyView = z.object({ ...keyFields, revokedAt: timestamp.nullable() });
export const keyIssued = z.object({
  ...keyFields,
  key: z
    .string()
    .meta({ description: '`<prefix>.<secret>`. Shown once; only a hash of the secret is stored.' }),
});
