// Environment of the llm-mock service, parsed once at start-up into server options.
import { z } from 'zod';
import { LlmMockError } from './errors.js';
import { DEFAULT_KNOBS, type Knobs, readKnobs } from './knobs.js';

const envSchema = z.strictObject({
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(0).max(65535))
    .default(9100),
  HOST: z.string().min(1).default('0.0.0.0'),
  MOCK_API_KEYS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .default([]),
});

export interface LlmMockConfig {
  readonly port: number;
  readonly host: string;
  /** Empty: no key required. */
  readonly apiKeys: readonly string[];
  readonly defaults: Readonly<Knobs>;
}

/** Reads PORT, HOST, MOCK_API_KEYS and the MOCK_* knob defaults; an empty variable counts as unset. */
export function loadConfig(env: Record<string, string | undefined>): LlmMockConfig {
  const fail = (detail: string) => new LlmMockError(500, `invalid environment: ${detail}`);
  const picked = {
    PORT: env.PORT || undefined,
    HOST: env.HOST || undefined,
    MOCK_API_KEYS: env.MOCK_API_KEYS || undefined,
  };
  const result = envSchema.safeParse(picked);
  if (!result.success) {
    throw fail(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const knobs = readKnobs(DEFAULT_KNOBS, 'env', (name) => env[name]);
  if ('problem' in knobs) throw fail(knobs.problem);
  return Object.freeze({
    port: result.data.PORT,
    host: result.data.HOST,
    apiKeys: Object.freeze(result.data.MOCK_API_KEYS),
    defaults: Object.freeze(knobs.knobs),
  });
}
