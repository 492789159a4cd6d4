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
/** A future instant with any offset, stored and answered in UTC. */
const future = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v).toISOString())
  .refine((v) => Date.parse(v) > Date.now(), 'must be in the future');

export const keyCreate = z
  .object({ name: name.optional(), expiresAt: future.nullable().optional() })
  .strict();
export const keyPatch = z
  .object({ name: name.nullable().optional(), expiresAt: future.nullable().optional() })
  .strict();
export const keyRotate = z
  .object({
    oldKeyExpiresAt: future
      .optional()
      .meta({ description: 'Until when the old key keeps working (default: one hour from now)' }),
    name: name.optional().meta({ description: "The new key's name (default: the old key's)" }),
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
