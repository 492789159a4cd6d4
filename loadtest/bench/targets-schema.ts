// The schema of loadtest/targets.json; imports only zod, so the k6 scripts can share its type (type-only).
import { z } from 'zod';

const latency = { p95Ms: z.number().positive(), p99Ms: z.number().positive() };

export const targetsSchema = z.strictObject({
  $comment: z.string().optional(),
  throughput: z.strictObject({
    keyedMinRatioToNginx: z.number().positive().max(1),
    noneMinRatioToNginx: z.number().positive().max(1),
    keyedMinRatioToFloor: z.number().positive().max(1),
    noneMinRatioToFloor: z.number().positive().max(1),
    jwtMinRatioToKeyed: z.number().positive().max(1),
  }),
  scenarios: z.strictObject({
    proxyThroughput: z.strictObject({
      description: z.string(),
      ratePerSecond: z.number().int().positive(),
      durationS: z.number().int().positive(),
      preAllocatedVUs: z.number().int().positive(),
      maxVUs: z.number().int().positive(),
      thresholds: z.strictObject({
        ...latency,
        errorRate: z.number().min(0).max(1),
        droppedIterations: z.number().int().min(0),
      }),
      addedP99MsMax: z.number().positive(),
    }),
    quotaEnforcement: z.strictObject({
      description: z.string(),
      quota: z.number().int().positive(),
      extraRequests: z.number().int().positive(),
      vus: z.number().int().positive(),
    }),
    authFailures: z.strictObject({
      description: z.string(),
      ratePerSecond: z.number().int().positive(),
      durationS: z.number().int().positive(),
      preAllocatedVUs: z.number().int().positive(),
      maxVUs: z.number().int().positive(),
      thresholds: z.strictObject({ ...latency, unexpectedStatusRate: z.number().min(0).max(1) }),
    }),
    aiStreaming: z.strictObject({
      description: z.string(),
      vus: z.number().int().positive(),
      durationS: z.number().int().positive(),
      model: z.string().min(1),
      maxTokens: z.number().int().positive(),
      /** What the gateway may add to the p95 time to first token, below the provider's connection cap. */
      addedTtftP95MsMax: z.number().positive(),
      thresholds: z.strictObject({
        ttfbP95Ms: z.number().positive(),
        tokensPerSecondMin: z.number().positive(),
        errorRate: z.number().min(0).max(1),
      }),
    }),
  }),
  local: z.strictObject({
    connections: z.number().int().positive(),
    durationS: z.number().int().positive(),
    warmupS: z.number().int().min(0),
    fixedRateConnections: z.number().int().positive(),
    memoryRunS: z.number().int().positive(),
    memoryGrowthMiBMax: z.number().positive(),
    /** Seconds of load before the memory run's first reading (quick runs take it at once). */
    memorySettleS: z.number().int().min(0),
    /** Pacing of the local llm-mock for the ai-streaming rows (its MOCK_FIRST_TOKEN_MS, MOCK_INTER_TOKEN_MS). */
    aiMock: z.strictObject({ firstTokenMs: z.number().int().min(0), interTokenMs: z.number().int().min(0) }),
    /** Concurrent streams of the ai rows, and tenant A's streams held open in the noisy-neighbour row. */
    aiStreams: z.number().int().positive(),
    aiHeldStreams: z.number().int().positive(),
    quick: z.strictObject({
      connections: z.number().int().positive(),
      durationS: z.number().int().positive(),
      warmupS: z.number().int().min(0),
      fixedRateDurationS: z.number().int().positive(),
      memoryRunS: z.number().int().positive(),
      aiDurationS: z.number().int().positive(),
      aiStreams: z.number().int().positive(),
      aiHeldStreams: z.number().int().positive(),
    }),
  }),
});

export type Targets = z.infer<typeof targetsSchema>;
