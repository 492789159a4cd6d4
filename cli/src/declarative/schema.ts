// The declarative file format: the admin API's own create schemas, with names instead of ids and secrets
// only as ${env:NAME} references. Its JSON Schema (cli/schema/gateway-kit.schema.json) is generated from this.
import { z } from 'zod';
import { modelCreate } from '../../../gateway/src/admin/routes/ai-models.js';
import { providerCreate } from '../../../gateway/src/admin/routes/ai-providers.js';
import { apiCreate } from '../../../gateway/src/admin/schemas/apis.js';
import { name } from '../../../gateway/src/admin/schemas/common.js';
import { planCreate } from '../../../gateway/src/admin/schemas/plans.js';
import { tenantCreate } from '../../../gateway/src/admin/schemas/tenants.js';
import { webhookCreate } from '../../../gateway/src/admin/schemas/webhooks.js';
import { deployment } from '../../../gateway/src/ai/routing/schema.js';
import { apiStatuses } from '../../../gateway/src/domain/types.js';

export const FORMAT_VERSION = 1;

/** The `${env:NAME}` reference to an environment variable. */
export const envRef = (name: string) => `\${env:${name}}`;

/** A secret is never written into a file: it names an environment variable read at apply time. */
export const secretRef = z
  .string()
  .regex(
    /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/,
    `secrets must be ${envRef('NAME')} references, never literal values`,
  )
  .meta({ example: envRef('OPENAI_API_KEY') });

const tenantRef = name.meta({ description: 'The owning tenant, by name.' });

const plan = planCreate;

const api = apiCreate
  .omit({ tenantId: true })
  .extend({
    tenant: tenantRef,
    status: z.enum(apiStatuses).default('draft').meta({
      description: 'Lifecycle status; apply walks the lifecycle (publish, deprecate, retire) to reach it.',
    }),
    plans: z.array(plan).default([]),
  })
  .strict();

/** Only live subscriptions are declared; rejected and revoked ones are history, not configuration. */
const subscription = z
  .object({
    api: name.meta({ description: 'The API, by name.' }),
    apiTenant: name.optional().meta({ description: "The API's tenant when it is not the app's own." }),
    plan: name.meta({ description: "One of the API's plans, by name." }),
    status: z.enum(['pending', 'approved', 'suspended']).default('approved'),
  })
  .strict();

const app = z.object({ tenant: tenantRef, name, subscriptions: z.array(subscription).default([]) }).strict();

const aiProvider = providerCreate
  .omit({ tenantId: true, keys: true })
  .extend({
    tenant: tenantRef,
    keys: z
      .array(z.object({ key: secretRef, priority: z.number().int().min(0).max(1000).default(0) }).strict())
      .min(1)
      .max(32),
  })
  .strict();

const providerRef = name.meta({ description: "One of the tenant's AI providers, by name." });

const aiModel = modelCreate
  .omit({ tenantId: true, providerId: true, fallbackModelId: true })
  .extend({
    tenant: tenantRef,
    provider: providerRef,
    deployments: z
      .array(deployment.omit({ providerId: true }).extend({ provider: providerRef }).strict())
      .max(16)
      .default([]),
    fallback: z
      .string()
      .nullable()
      .default(null)
      .meta({ description: 'A model of the same tenant, by name.' }),
  })
  .strict();

/**
 * The signing secret is required here, unlike in the admin API: an apply runs unattended, so a secret the
 * gateway generated would be shown to no one. It comes from the environment, like provider keys.
 */
const webhook = webhookCreate
  .omit({ tenantId: true, secret: true })
  .extend({
    tenant: tenantRef,
    secret: secretRef.meta({
      description:
        'The signing secret (32+ printable characters), from the environment. A changed value is noticed by its last four characters and rolled with a one-day grace period.',
    }),
  })
  .strict();

export const documentSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(FORMAT_VERSION),
    tenants: z.array(tenantCreate).default([]),
    aiProviders: z.array(aiProvider).default([]),
    aiModels: z.array(aiModel).default([]),
    apis: z.array(api).default([]),
    apps: z.array(app).default([]),
    webhooks: z.array(webhook).default([]),
  })
  .strict()
  .meta({
    title: 'gateway-kit configuration',
    description: 'Declarative gateway objects for `gateway-kit apply`.',
  });

const minus = (shape: object, ...names: string[]) => Object.keys(shape).filter((k) => !names.includes(k));

/** The fields each kind's configuration owns, read off the schemas: a field the admin API gains follows. */
export const configFields = {
  tenant: minus(tenantCreate.shape),
  aiProvider: minus(aiProvider.shape, 'tenant', 'keys'),
  aiModel: minus(aiModel.shape, 'tenant', 'provider', 'fallback'),
  api: minus(api.shape, 'tenant', 'plans'),
  plan: minus(planCreate.shape),
  webhook: minus(webhook.shape, 'tenant', 'secret'),
} as const;

export type Document = z.output<typeof documentSchema>;
export type DocumentInput = z.input<typeof documentSchema>;
export type ApiDoc = Document['apis'][number];
export type AppDoc = Document['apps'][number];
export type WebhookDoc = Document['webhooks'][number];

export function documentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(documentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
