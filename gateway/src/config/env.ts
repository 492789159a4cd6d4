// Process configuration: parsed once from the environment, frozen, and the only place env is read.
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { oidcProvidersSchema } from './oidc.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const databaseUrl = z
  .string()
  .refine((v) => v.startsWith('sqlite:') || /^postgres(ql)?:\/\/[^/]+/.test(v), {
    message: 'must be sqlite:<path> or postgres://…',
  })
  .refine((v) => !/^postgres/.test(v) || URL.canParse(v), { message: 'is not a parsable URL' });

const redisUrl = z
  .string()
  .refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), { message: 'must be redis://… or rediss://…' });

export const envSchema = z
  .object({
    PORT: port.default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
    DATABASE_URL: databaseUrl.default('sqlite:./data/gateway.db'),
    REDIS_URL: redisUrl.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    CONFIG_POLL_MS: positiveInt.default(500),
    LIMITS_ON_STORE_ERROR: z.enum(['open', 'closed']).default('open'),
    CALL_LOG_QUEUE_SIZE: positiveInt.default(10_000),
    CALL_LOG_BATCH_SIZE: positiveInt.default(500),
    CALL_LOG_FLUSH_MS: positiveInt.default(1000),
    LOG_RETENTION_DAYS: positiveInt.default(30),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
    SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    // Slow clients (docs/security.md): the whole header block, and the whole request, must arrive in time.
    HEADERS_TIMEOUT_MS: positiveInt.default(20_000),
    REQUEST_TIMEOUT_MS: positiveInt.default(120_000),
    // Circuit breaker per upstream target: consecutive failures that open it (0 = off), and its cool-down.
    BREAKER_FAILURES: z.coerce.number().int().min(0).default(5),
    BREAKER_COOLDOWN_MS: positiveInt.default(10_000),
    // SSRF guard exceptions: hosts, IPs or CIDRs an API's targets may name although the guard refuses them.
    // Kept as the comma-separated string: startGateway parses an already parsed Env a second time.
    UPSTREAM_ALLOW: z.string().default(''),
    // Webhooks (docs/webhooks.md): how often the dispatcher looks for due deliveries, the first retry's delay
    // (doubling each attempt, capped), attempts before a delivery is failed, each attempt's timeout, and how far
    // ahead a key's expiry is announced.
    WEBHOOK_POLL_MS: positiveInt.default(1000),
    WEBHOOK_RETRY_BASE_MS: positiveInt.default(30_000),
    WEBHOOK_RETRY_MAX_MS: positiveInt.default(3_600_000),
    WEBHOOK_MAX_ATTEMPTS: positiveInt.max(50).default(12),
    WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
    WEBHOOK_KEY_EXPIRY_NOTICE_HOURS: positiveInt.default(72),
    WEBHOOK_KEY_CHECK_MS: positiveInt.default(60_000),
    // Hostile input (docs/security.md): header fields a request may carry (431 beyond), and which header names
    // with an underscore are dropped (`all`, as nginx does, or only spellings of the headers the gateway owns).
    MAX_REQUEST_HEADERS: positiveInt.max(1000).default(100),
    DROP_UNDERSCORE_HEADERS: z.enum(['all', 'owned']).default('all'),
    // WebSocket tunnels open at once, in all and per client IP (beyond: 503 / 429 and closed).
    MAX_UPGRADES: positiveInt.default(10_000),
    MAX_UPGRADES_PER_IP: positiveInt.default(100),
    // Bearer token a Prometheus scraper presents on /metrics (the admin token is accepted too).
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    // People (docs/people.md): where the admin API is reached from browsers (links in mails, the CSRF origin),
    // the mail transport for invitations and password resets (unset: the links are logged), session lifetimes.
    PUBLIC_URL: z
      .url({ protocol: /^https?$/ })
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
    // Where consumers call the data plane from a browser (the portal's try-it and API reference), when it is not
    // the admin listener's host on PORT (with ADMIN_PORT) or the same origin (one port): a proxy's public URL.
    DATA_PLANE_URL: z
      .url({ protocol: /^https?$/ })
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    MAIL_FROM: z.string().min(3).default('gateway-kit <no-reply@localhost>'),
    SESSION_IDLE_SECONDS: positiveInt.default(30 * 60),
    SESSION_MAX_SECONDS: positiveInt.default(12 * 60 * 60),
    // Single sign-on (docs/people.md): OIDC providers as a JSON list; client secrets only as ${env:NAME}.
    OIDC_PROVIDERS: oidcProvidersSchema,
    // The built console and portal (console/dist); set it when an image or package ships them elsewhere.
    CONSOLE_DIR: z.string().min(1).optional(),
    // Processes serving calls on the one port (docs/performance.md): `auto` is one per available core.
    WORKERS: z
      .union([z.literal('auto'), positiveInt.max(256)], { message: 'must be auto or a whole number 1–256' })
      .default(1)
      .transform((v) => (v === 'auto' ? availableParallelism() : v)),
    // How far V8 lets the old generation grow between full collections (docs/performance.md, "Memory"): 0
    // keeps V8's own (up to 4× the live heap); 50 cuts RSS under load by ~50 MiB but doubled the keyed p99
    // under full load in an A/B, so it is an operator's choice, not the default.
    HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(0),
    // A listener of its own for the admin API, console, portal and /metrics (docs/auth.md); unset: one port.
    ADMIN_PORT: port.optional(),
    ADMIN_HOST: z.string().min(1).optional(),
    // TLS on the listeners (docs/auth.md): PEM certificate chain and key, checked at start-up and reloaded
    // when the files change; client certificates requested for mTLS APIs; HSTS on every TLS answer (0: off).
    TLS_CERT_FILE: z.string().min(1).optional(),
    TLS_KEY_FILE: z.string().min(1).optional(),
    TLS_CLIENT_CERTS: z.enum(['off', 'request']).default('off'),
    TLS_RELOAD_MS: positiveInt.default(30_000),
    // Certificates per host name (docs/auth.md): <host>.crt + <host>.key pairs, picked by the client's SNI.
    TLS_SNI_DIR: z.string().min(1).optional(),
    HSTS_MAX_AGE: z.coerce.number().int().min(0).default(31_536_000),
  })
  .strip()
  .refine((e) => (e.TLS_CERT_FILE === undefined) === (e.TLS_KEY_FILE === undefined), {
    path: ['TLS_KEY_FILE'],
    message: 'and TLS_CERT_FILE go together: set both or neither',
  })
  .refine((e) => e.TLS_SNI_DIR === undefined || e.TLS_CERT_FILE !== undefined, {
    path: ['TLS_SNI_DIR'],
    message:
      'needs TLS_CERT_FILE and TLS_KEY_FILE: their pair is served to names the directory does not hold',
  })
  // node:http refuses a headers timeout longer than the request timeout; say so in one line instead.
  .refine((e) => e.HEADERS_TIMEOUT_MS <= e.REQUEST_TIMEOUT_MS, {
    path: ['HEADERS_TIMEOUT_MS'],
    message: 'must not exceed REQUEST_TIMEOUT_MS',
  })
  // Each worker opens the store itself: an in-memory SQLite database would be a different one in each.
  .refine((e) => e.WORKERS === 1 || !/^sqlite:(:memory:)?$/.test(e.DATABASE_URL), {
    path: ['WORKERS'],
    message: 'above 1 needs a database file or PostgreSQL (each worker would get its own in-memory database)',
  });

export type Env = Readonly<z.infer<typeof envSchema>>;

/** Thrown when the environment is invalid; main prints its message as the one start-up line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings mean "unset" so `FOO= node …` behaves like leaving FOO out.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // Inside a structured variable (OIDC_PROVIDERS), name the element too: OIDC_PROVIDERS[0].issuer.
    const within = issue.path
      .slice(1)
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('');
    const message =
      issue.code === 'invalid_type' && cleaned[name] === undefined ? 'is required' : issue.message;
    throw new ConfigError(`invalid configuration: ${name}${within} ${message}`);
  }
  return Object.freeze(parsed.data);
}
