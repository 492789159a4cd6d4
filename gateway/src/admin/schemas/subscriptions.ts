// Subscription bodies, filters and views.
import { z } from 'zod';
import { subscriptionStatuses } from '../../domain/types.js';
import { id, text, timestamp } from './common.js';
import { listQuery } from './query.js';

export const subscriptionCreate = z
  .object({ appId: id, apiId: id, planId: id, reason: text(1000).optional() })
  .strict();

export const subscriptionPlanChange = z
  .object({
    planId: id.meta({ description: 'Another plan of the same API' }),
    reason: text(1000).optional(),
  })
  .strict();

export const subscriptionFilter = listQuery({
  status: z.enum(subscriptionStatuses).optional(),
  apiId: id.optional(),
  appId: id.optional(),
});

export const subscriptionView = z.object({
  id,
  appId: id,
  apiId: id,
  planId: id.meta({ description: 'The plan that serves the calls' }),
  pendingPlanId: id.nullable().meta({
    description: "A plan change waiting for the API owner's approval (planId serves until then)",
  }),
  appName: z.string().meta({ description: 'The applying app, so the API owner sees whom it decides on' }),
  apiName: z.string(),
  status: z.enum(subscriptionStatuses),
  reason: z.string().nullable(),
  comment: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
