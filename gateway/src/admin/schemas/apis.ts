// API bodies and views. Create applies the documented defaults; patch changes only what it names.
import { z } from 'zod';
import { apiKinds, apiStatuses, approvalModes, visibilities } from '../../domain/types.js';
import { defaultRegistry } from '../../policies/registry.js';
import { basePath, host, id, name, target, timestamp } from './common.js';

// One value per auth policy of the registry, then `none`.
const authModes = defaultRegistry.authModes;
const methods = authModes.filter((m) => m !== 'none') as [string, ...string[]];
const AUTH_HELP =
  'How callers authenticate: one method, `none` (anonymous), or a list of methods tried in order — the first whose credential the call carries decides (docs/auth.md).';

/** What an API's `auth` reads as: one value, or two or more methods. */
const authView = z
  .union([z.enum(authModes), z.array(z.enum(methods)).min(2)])
  .meta({ description: AUTH_HELP });

/** What may be written: a list of one is the same as its method alone, and stored as that. */
const authChoice = z
  .union([
    z.enum(authModes),
    z
      .array(z.enum(methods))
      .min(1)
      .max(methods.length)
      .refine((list) => new Set(list).size === list.length, 'lists a method twice'),
  ])
  .meta({ description: AUTH_HELP });
const oneOrList = (auth: z.output<typeof authChoice>) =>
  Array.isArray(auth) && auth.length === 1 ? auth[0]! : auth;

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
  auth: authChoice.transform(oneOrList),
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
  // A set: duplicates are dropped, the order kept.
  tags: z
    .array(
      z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9-]{0,31}$/,
          'must be 1–32 lower-case letters, digits or -, not starting with -',
        ),
    )
    .max(20)
    .transform((tags) => [...new Set(tags)])
    .meta({ description: 'Words the developer portal’s catalog filters by (`payments`, `beta`)' }),
};

export const apiCreate = z
  .object({
    ...fields,
    host: fields.host.default(null),
    kind: fields.kind.default('rest'),
    targets: fields.targets.default([]),
    auth: authChoice.default('key').transform(oneOrList),
    visibility: fields.visibility.default('private'),
    approval: fields.approval.default('manual'),
    timeoutMs: fields.timeoutMs.default(30_000),
    retries: fields.retries.default(1),
    maxBodyBytes: fields.maxBodyBytes.default(10 * 1024 * 1024),
    settings: fields.settings.optional(),
    tags: fields.tags.default([]),
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
  auth: authView,
  visibility: z.enum(visibilities),
  approval: z.enum(approvalModes),
  status: z.enum(apiStatuses),
  targets: z.array(z.object({ url: z.string(), weight: z.number().int() })),
  timeoutMs: z.number().int(),
  retries: z.number().int(),
  maxBodyBytes: z.number().int(),
  settings: apiSettings,
  tags: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
});
