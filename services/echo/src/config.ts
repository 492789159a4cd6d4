// Environment of the echo service, parsed once at start-up.
import { z } from 'zod';
import { EchoError } from './errors.js';

const integer = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));

// Only the service's own variables are picked from the process environment, so
// strictness here means "no key we do not know" within that set.
const envSchema = z.strictObject({
  PORT: integer(0, 65535).default(9000),
  HOST: z.string().min(1).default('0.0.0.0'),
});

export interface EchoConfig {
  readonly port: number;
  readonly host: string;
}

/** Parses PORT and HOST; an empty variable counts as unset. Throws one EchoError naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): EchoConfig {
  const picked = { PORT: env.PORT || undefined, HOST: env.HOST || undefined };
  const result = envSchema.safeParse(picked);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new EchoError('INVALID_ENV', `invalid environment: ${detail}`);
  }
  return Object.freeze({ port: result.data.PORT, host: result.data.HOST });
}
