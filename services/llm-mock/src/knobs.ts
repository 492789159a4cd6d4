// Behaviour knobs (latency, errors, mid-stream failure): defaults from the environment, overridden per request by headers.
import { z } from 'zod';

export interface Knobs {
  /** Wait before the response headers, whatever the response. */
  latencyMs: number;
  /** Streaming: wait between the opening events and the first text delta. */
  firstTokenMs: number;
  /** Streaming: wait before each further text delta. */
  interTokenMs: number;
  /** Probability (0..1) of answering 500 instead of completing. */
  errorRate: number;
  /** Answer this status (400..599) instead of completing. */
  status: number | undefined;
  /** `retry-after` seconds sent with a forced 429 or 503. */
  retryAfterSeconds: number;
  /** Break the connection after this many text deltas (streaming), or without any response (non-streaming). */
  failAfterTokens: number | undefined;
  /** Streaming: hold the stream after this many text deltas until `POST /mock/release`. */
  pauseAfterTokens: number | undefined;
}

const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.int().min(min).max(max));

const rate = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a number from 0 to 1')
  .transform(Number)
  .pipe(z.number().min(0).max(1));

/** Each knob's request header, environment variable and parser: one table keeps the three in step. */
export const KNOBS = {
  latencyMs: { header: 'x-mock-latency-ms', env: 'MOCK_LATENCY_MS', parse: whole(0, 60_000) },
  firstTokenMs: { header: 'x-mock-first-token-ms', env: 'MOCK_FIRST_TOKEN_MS', parse: whole(0, 60_000) },
  interTokenMs: { header: 'x-mock-inter-token-ms', env: 'MOCK_INTER_TOKEN_MS', parse: whole(0, 10_000) },
  errorRate: { header: 'x-mock-error-rate', env: 'MOCK_ERROR_RATE', parse: rate },
  status: { header: 'x-mock-status', env: 'MOCK_STATUS', parse: whole(400, 599) },
  retryAfterSeconds: { header: 'x-mock-retry-after', env: 'MOCK_RETRY_AFTER', parse: whole(0, 86_400) },
  failAfterTokens: {
    header: 'x-mock-fail-after-tokens',
    env: 'MOCK_FAIL_AFTER_TOKENS',
    parse: whole(0, 1_000_000),
  },
  pauseAfterTokens: {
    header: 'x-mock-pause-after-tokens',
    env: 'MOCK_PAUSE_AFTER_TOKENS',
    parse: whole(0, 1_000_000),
  },
} as const;

export const DEFAULT_KNOBS: Readonly<Knobs> = Object.freeze({
  latencyMs: 0,
  firstTokenMs: 0,
  interTokenMs: 0,
  errorRate: 0,
  status: undefined,
  retryAfterSeconds: 1,
  failAfterTokens: undefined,
  pauseAfterTokens: undefined,
});

/** The same limits for knobs given as numbers (server options), unknown keys rejected. */
export const knobsOptionSchema = z.strictObject({
  latencyMs: z.int().min(0).max(60_000).optional(),
  firstTokenMs: z.int().min(0).max(60_000).optional(),
  interTokenMs: z.int().min(0).max(10_000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  status: z.int().min(400).max(599).optional(),
  retryAfterSeconds: z.int().min(0).max(86_400).optional(),
  failAfterTokens: z.int().min(0).max(1_000_000).optional(),
  pauseAfterTokens: z.int().min(0).max(1_000_000).optional(),
});

/**
 * Overrides `base` with the knobs found by `lookup` (by header or by variable name).
 * Returns the first problem as "<name>: <why>" instead of throwing, so each caller words its own error.
 */
export function readKnobs(
  base: Readonly<Knobs>,
  by: 'header' | 'env',
  lookup: (name: string) => string | undefined,
): { knobs: Knobs } | { problem: string } {
  const knobs: Knobs = { ...base };
  for (const [key, knob] of Object.entries(KNOBS) as [keyof Knobs, (typeof KNOBS)[keyof Knobs]][]) {
    const raw = lookup(knob[by]);
    if (raw === undefined || raw === '') continue;
    const parsed = knob.parse.safeParse(raw.trim());
    if (!parsed.success) return { problem: `${knob[by]}: ${parsed.error.issues[0]?.message}` };
    knobs[key] = parsed.data as never;
  }
  return { knobs };
}
