// Load balancing across the deployments of one model: the admin API's fields (so the declarative format and
// the CLI's JSON Schema follow from them) and the shape the data plane holds.
import { z } from 'zod';
import { id } from '../../admin/schemas/common.js';

export const routingStrategies = ['weighted', 'least-busy', 'latency'] as const;
export type RoutingStrategy = (typeof routingStrategies)[number];

const price = z.number().min(0).max(1000).meta({ description: 'USD per 1,000 tokens' });
const weight = z.number().int().min(1).max(1000);

export const routingStrategy = z.enum(routingStrategies).meta({
  description:
    'How calls are spread over the deployments: `weighted` (smooth weighted round robin), `least-busy` ' +
    '(fewest calls in flight per weight, in this gateway process) or `latency` (lowest recent latency).',
});

export const modelWeight = weight.meta({
  description: "Weight of the model's own provider among its deployments (`weighted`, `least-busy`).",
});

export const deployment = z
  .object({
    providerId: id.meta({ description: "Another of the tenant's providers serving this model." }),
    upstreamModel: z.string().min(1).max(200).meta({ example: 'gpt-4o' }),
    weight: weight.default(1),
    inputPricePer1k: price.optional().meta({ description: "USD per 1,000 tokens; the model's when absent" }),
    outputPricePer1k: price.optional().meta({ description: "USD per 1,000 tokens; the model's when absent" }),
  })
  .strict();

export type DeploymentInput = z.output<typeof deployment>;

export const deployments = z
  .array(deployment)
  .max(16)
  .meta({
    description:
      "More providers serving the same model, beside the model's own `providerId`/`upstreamModel`: calls are " +
      'spread over all of them by `routing`, and a failed one falls to the next.',
  });

/** The stored form (a JSON column), read back leniently: a row written by a newer gateway is not fatal. */
export function parseDeployments(text: string | null | undefined): DeploymentInput[] {
  if (!text) return [];
  const parsed = deployments.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : [];
}
