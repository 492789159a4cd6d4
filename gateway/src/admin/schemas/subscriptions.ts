// Subscription bodies, filters and views.
import { z } from 'zod';
import { subscriptionStatuses } from '../../domain/types.js';
import { id, text, timestamp } from './common.js';
import { listQuery } from './query.js';

export const subscriptionCreate = z
  .object({ appId: id, apiId: id, planId: id, reason: text(1000).optional() })
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
  planId: id,
  appName: z.string().meta({ description: 'The applying app, so the API owner sees whom it decides on' }),
  apiName: z.string(),
  status: z.enum(subscriptionStatuses),
  reason: z.string().nullable(),
  comment: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
