// Webhook bodies and views (docs/webhooks.md). Shared with the CLI's declarative format (cli/src/declarative).
import { z } from 'zod';
import { webhookEvents } from '../../webhooks/events.js';
import { id, name, timestamp } from './common.js';
import { pageFields } from './query.js';

const url = z
  .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
  .max(2000)
  .refine((u) => !u.includes('#'), 'must not have a fragment')
  .meta({ example: 'https://hooks.example.com/gateway' });
const events = z
  .array(z.enum(webhookEvents))
  .min(1)
  .max(webhookEvents.length)
  .transform((list) => [...new Set(list)])
  .meta({ description: 'The event types sent to this webhook (docs/webhooks.md).' });

/** A caller-chosen signing secret: long enough to be a key, printable so it survives env files and YAML. */
export const webhookSecret = z
  .string()
  .min(32, 'must be at least 32 characters')
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .meta({
    description:
      'The signing secret, when you manage it (configuration as code); otherwise the gateway generates one.',
  });

export const webhookCreate = z
  .object({
    tenantId: id
      .optional()
      .meta({ description: 'Required with the platform token; implied by a tenant token.' }),
    name,
    url,
    events,
    enabled: z.boolean().default(true),
    secret: webhookSecret.optional(),
  })
  .strict();
export const webhookPatch = z.object({ name, url, events, enabled: z.boolean() }).partial().strict();

const DAY = 86_400;
export const webhookRotate = z
  .object({
    secret: webhookSecret.optional(),
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * DAY)
      .default(DAY)
      .meta({
        description:
          'How long the previous secret keeps signing beside the new one (a second `v1=`), so receivers can switch.',
      }),
  })
  .strict();

export const webhookView = z.object({
  id,
  tenantId: id,
  name: z.string(),
  url: z.string(),
  events: z.array(z.enum(webhookEvents)),
  enabled: z.boolean(),
  secretHint: z.string().meta({ description: "The signing secret's last four characters." }),
  previousSecretExpiresAt: timestamp
    .nullable()
    .meta({ description: 'After a rotation: until when the previous secret also signs.' }),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export const webhookWithSecret = webhookView.extend({
  secret: z.string().meta({ description: 'The signing secret: shown once, here; store it now.' }),
});
export const webhookDelivery = z.object({
  id: z.number().int(),
  webhookId: id,
  eventId: z.string(),
  eventType: z.string(),
  createdAt: timestamp,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: timestamp.nullable(),
  lastAttemptAt: timestamp.nullable(),
  responseStatus: z.number().int().nullable(),
  error: z.string().nullable().meta({ description: "The last failed attempt's reason" }),
  deliveredAt: timestamp.nullable(),
});
export const webhookDeliveryQuery = z
  .object({
    status: z.enum(['pending', 'delivered', 'failed']).optional(),
    eventType: z.string().max(64).optional(),
    ...pageFields(),
  })
  .strict();
