// API bodies and views. Create applies the documented defaults; patch changes only what it names.
import { z } from 'zod';
import { apiKinds, apiStatuses, approvalModes, visibilities } from '../../domain/types.js';
import { defaultRegistry } from '../../policies/registry.js';
import { basePath, host, id, name, target, timestamp } from './common.js';

// One value per auth policy of the registry, then `none`.
const authModes = defaultRegistry.authModes;

/**
 * An API's settings. The OpenAPI document replaces this schema with the registry's (admin/openapi.ts), which
 * lists each policy's member; the admin API checks them per policy (admin/api-settings.ts).
 */
export const apiSettings = z.record(z.string(), z.unknown()).meta({
  description:
    "Kind-specific settings (a prompt API's model and template…), checked against the kind's schema.",
});

const fields = {
  name,
  basePath,
  host: host.nullable(),
  kind: z.enum(apiKinds),
  auth: z.enum(authModes),
  visibility: z.enum(visibilities),
  approval: z.enum(approvalModes),
  // At least one for a rest API (routes/ai-api-rules.ts); kinds ai and prompt need none.
  targets: z.array(target).max(32),
  timeoutMs: z.number().int().min(1).max(600_000),
  retries: z.number().int().min(0).max(5),
  maxBodyBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 ** 3),
  settings: apiSettings,
};

export const apiCreate = z
  .object({
    ...fields,
    host: fields.host.default(null),
    kind: fields.kind.default('rest'),
    targets: fields.targets.default([]),
    auth: fields.auth.default('key'),
    visibility: fields.visibility.default('private'),
    approval: fields.approval.default('manual'),
    timeoutMs: fields.timeoutMs.default(30_000),
    retries: fields.retries.default(1),
    maxBodyBytes: fields.maxBodyBytes.default(10 * 1024 * 1024),
    settings: fields.settings.optional(),
    tenantId: id
      .optional()
      .meta({ description: 'Required with the platform token; implied by a tenant token.' }),
  })
  .strict();

export const apiPatch = z.object(fields).partial().strict();

export const apiView = z.object({
  id,
  tenantId: id,
  name: z.string(),
  basePath: z.string(),
  host: z.string().nullable(),
  kind: z.enum(apiKinds),
  auth: z.enum(authModes),
  visibility: z.enum(visibilities),
  approval: z.enum(approvalModes),
  status: z.enum(apiStatuses),
  targets: z.array(z.object({ url: z.string(), weight: z.number().int() })),
  timeoutMs: z.number().int(),
  retries: z.number().int(),
  maxBodyBytes: z.number().int(),
  settings: apiSettings,
  createdAt: timestamp,
  updatedAt: timestamp,
});
