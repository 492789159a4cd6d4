// The AI layer's data-plane step: serves calls to APIs of kind `ai` (the unified OpenAI-format endpoint) and
// `prompt` (a template behind a plain REST endpoint). Auth, subscription, rate limit and request quotas have
// run before it; it adds token quotas, provider fallback and token accounting. `rest` calls pass through.
import { Gauge, type Registry } from 'prom-client';
import type { buildConnector } from 'undici';
import type { Call, RoutedCall } from '../data-plane/call.js';
import type { Api } from '../domain/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Logger } from '../observability/logger.js';
import { SecretBox } from '../security/secret-box.js';
import type { AttemptDeps } from './attempts.js';
import { ResponseCache } from './cache/response-cache.js';
import { chatCompletions, sendJson } from './chat.js';
import { legacyCompletions } from './completions.js';
import { embeddings } from './embeddings.js';
import { serveFrontDoor } from './front-door.js';
import { KeyPool } from './key-pool.js';
import { MESSAGES_PATHS, messagesDoor, withAnthropicError } from './messages.js';
import { modelsResponse } from './models.js';
import { runPrompt } from './prompt.js';
import { ProviderClient } from './provider-client.js';
import { responsesDoor } from './responses.js';
import { Balancer } from './routing/balancer.js';
import { openTokenMeter, type TokenMeter, type TokenQuotaOptions } from './token-accounting.js';

export { SecretBox } from '../security/secret-box.js';

const NO_ROUTE =
  'no AI route at this path: use /chat/completions, /completions, /responses, /v1/messages, /embeddings or /models';
const ONLY = (method: string) => `only ${method} is allowed here`;

export interface AiGatewayOptions extends TokenQuotaOptions {
  /** SECRET_KEY, or ADMIN_TOKEN when unset: opens the sealed provider keys. */
  secret: string;
  logger?: Logger;
  /** Cool-down of a key after a 5xx, a network fault or a 429 without Retry-After. Default 30 s. */
  cooldownMs?: number;
  /** Cool-down of a key the provider rejected (401/403). Default 5 min. */
  rejectedCooldownMs?: number;
  now?: () => number;
  /** Opens provider sockets: the outbound guard's (security/outbound.ts). */
  connector?: buildConnector.connector;
  /** The gateway's Via hop (security/outbound.ts). */
  via?: string;
  /** Where `gateway_ai_provider_calls` is registered. */
  registry?: Registry;
  /** REDIS_URL: the response cache lives there when set (shared by replicas), else in memory. */
  redisUrl?: string | undefined;
}

export type AiGatewayStep = ((call: RoutedCall) => Promise<void>) & { close(): Promise<void> };

function modelName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded; // malformed escapes name no model: a 404 follows
  }
}

function methodNotAllowed(call: Call, allowed: string): never {
  call.errorKind = 'method_not_allowed';
  throw new GatewayError('method_not_allowed', ONLY(allowed), { headers: { allow: allowed } });
}

/**
 * The problem document plus OpenAI's `error` member: OpenAI client libraries read their message and code from
 * it, and would otherwise report only "400 status code (no body)".
 */
export function withOpenAiError(err: GatewayError): GatewayError {
  const error = { message: err.message, type: err.code, param: null, code: err.code };
  return new GatewayError(err.code, err.message, { ...err.extra, fields: { ...err.extra.fields, error } });
}

/**
 * The error shape of an API kind, for the one renderer: AI and prompt APIs answer every error, the shared
 * chain's included (401, 403, 429, 413, 400), with OpenAI's `error` member beside the problem document —
 * or Anthropic's on the Anthropic-format front door.
 */
export function errorShapeOf(kind: Api['kind']): ((err: GatewayError, call: Call) => GatewayError) | null {
  if (kind === 'prompt') return withOpenAiError;
  if (kind !== 'ai') return null;
  return (err, call) =>
    MESSAGES_PATHS.has(call.path.slice(call.api?.basePath.length ?? 0))
      ? withAnthropicError(err)
      : withOpenAiError(err);
}

export function aiGateway(options: AiGatewayOptions): AiGatewayStep {
  const deps: AttemptDeps = {
    pool: new KeyPool({
      box: new SecretBox(options.secret),
      cooldownMs: options.cooldownMs ?? 30_000,
      rejectedCooldownMs: options.rejectedCooldownMs ?? 300_000,
      maxRetryAfterMs: 300_000,
      now: options.now,
      onUnreadable: (keyId, err) =>
        options.logger?.error(
          { keyId, err: err.message },
          'AI provider key cannot be opened: was SECRET_KEY changed?',
        ),
    }),
    // A deployment is usable while one of its keys is not cooling down.
    balancer: new Balancer({
      usable: (d) => d.model.provider.keys.some((k) => deps.pool.coolingUntil(k.id) === null),
    }),
    client: new ProviderClient({
      connectTimeoutMs: 5000,
      keepAliveTimeoutMs: 30_000,
      ...(options.connector ? { connector: options.connector } : {}),
      ...(options.via ? { via: options.via } : {}),
    }),
  };

  if (options.registry)
    new Gauge({
      name: 'gateway_ai_provider_calls',
      help: 'AI calls per provider holding one of its connections (active) or waiting for one (waiting).',
      labelNames: ['provider', 'state'],
      registers: [options.registry],
      collect() {
        this.reset();
        for (const [provider, active, waiting] of deps.client.loads()) {
          this.set({ provider, state: 'active' }, active);
          this.set({ provider, state: 'waiting' }, waiting);
        }
      },
    });

  const cache = new ResponseCache({ redisUrl: options.redisUrl });

  async function aiGateway(call: RoutedCall): Promise<void> {
    await serve(call);
  }

  /** Runs a metered call; whatever it reserved and did not use is given back, however it ends. */
  async function metered(call: Call, run: (meter: TokenMeter) => Promise<void>): Promise<void> {
    const meter = openTokenMeter(call, options);
    try {
      await cache.serve(call, meter, () => run(meter));
    } finally {
      await meter.release();
    }
  }

  async function serve(call: Call): Promise<void> {
    const api = call.api!;
    const method = call.req.method ?? 'GET';
    const rest = call.path.slice(api.basePath.length);

    if (api.kind === 'prompt') {
      if (rest !== '' && rest !== '/')
        throw new GatewayError('route_not_found', 'a prompt API answers at its base path only');
      if (method !== 'POST') methodNotAllowed(call, 'POST');
      return metered(call, (meter) => runPrompt(call, deps, meter));
    }

    if (rest === '/chat/completions') {
      if (method !== 'POST') methodNotAllowed(call, 'POST');
      return metered(call, (meter) => chatCompletions(call, deps, meter));
    }
    if (rest === '/completions') {
      if (method !== 'POST') methodNotAllowed(call, 'POST');
      return metered(call, (meter) => legacyCompletions(call, deps, meter));
    }
    if (rest === '/responses') {
      if (method !== 'POST') methodNotAllowed(call, 'POST');
      return metered(call, (meter) => serveFrontDoor(call, deps, meter, responsesDoor));
    }
    if (MESSAGES_PATHS.has(rest)) {
      if (method !== 'POST') methodNotAllowed(call, 'POST');
      return metered(call, (meter) => serveFrontDoor(call, deps, meter, messagesDoor));
    }
    if (rest === '/embeddings') {
      if (method !== 'POST') methodNotAllowed(call, 'POST');
      return metered(call, (meter) => embeddings(call, deps, meter));
    }
    if (rest === '/models' || rest.startsWith('/models/')) {
      if (method !== 'GET') methodNotAllowed(call, 'GET');
      const name = rest === '/models' ? null : modelName(rest.slice('/models/'.length));
      return sendJson(call, 200, modelsResponse(call, name));
    }
    throw new GatewayError('route_not_found', NO_ROUTE);
  }

  return Object.assign(aiGateway, {
    close: async () => {
      await Promise.all([deps.client.close(), cache.close()]);
    },
  });
}
