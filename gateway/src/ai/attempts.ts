// Resilience: tries the model's provider keys in pool order, then the fallback model's, until one answers.
// Every try is recorded on the call (call.attempts) so the call log shows the whole path.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { aiUsageOf, type Call } from '../data-plane/call.js';
import type { ErrorKind } from '../errors/catalogue.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { AiAttempt } from '../observability/call-record.js';
import type { ModelEntry } from './ai-config.js';
import { type KeyPool, keyFailures, retryAfterMs } from './key-pool.js';
import { maskPrompt } from './masking/masker.js';
import {
  networkFaults,
  type ProviderClient,
  ProviderFault,
  providerMessage,
  readJson,
} from './provider-client.js';
import type { Operation } from './provider-target.js';
import type { Balancer } from './routing/balancer.js';
import { TranslationError } from './translate/openai-anthropic.js';

/** A chain of fallbacks never goes deeper than this, whatever the configuration says. */
export const MAX_MODELS = 3;

const ALL_FAILED = (n: number) => `every provider attempt failed (${n}); the call log lists them`;
const COOLING =
  "every key of this model's providers is cooling down after errors; retry after the time given";
const NO_KEYS = 'no provider key is configured for this model';
const REFUSED_BY_PROVIDER = (m: string) => `the provider refused the request: ${m}`;

export interface AttemptDeps {
  pool: KeyPool;
  client: ProviderClient;
  /** Orders each model's deployments (ai/routing). */
  balancer: Balancer;
}

export interface AttemptPlan<T> {
  stream: boolean;
  /** The operation (OpenAI's path for it); chat's when absent. */
  path?: Operation;
  /** The provider request body for a model; TranslationError when the model's provider cannot take it. */
  body(model: ModelEntry): Record<string, unknown>;
  /** Reads a 2xx answer; a ProviderFault here (body cut short) counts as a failed attempt. */
  consume(response: Dispatcher.ResponseData, model: ModelEntry): Promise<T>;
}

export interface Answered<T> {
  model: ModelEntry;
  value: T;
  attempt: AiAttempt;
}

/** The model and its fallbacks, in order, without cycles and within the same tenant. */
export function modelChain(first: ModelEntry, models: ReadonlyMap<string, ModelEntry>): ModelEntry[] {
  const chain = [first];
  let next = first.fallbackModelId;
  while (next && chain.length < MAX_MODELS) {
    const model = models.get(next);
    if (!model || model.tenantId !== first.tenantId || chain.includes(model)) break;
    chain.push(model);
    next = model.fallbackModelId;
  }
  return chain;
}

type Verdict = 'next_key' | 'next_model' | 'client_error';

/** What a provider's non-2xx status means for the next try. */
function verdictOf(status: number): Verdict {
  if (status === 401 || status === 403 || status === 408 || status === 429 || status >= 500)
    return 'next_key';
  if (status === 404) return 'next_model'; // the upstream model name is unknown there: a fallback may have it
  return 'client_error';
}

export async function answerWithFallback<T>(
  call: Call,
  deps: AttemptDeps,
  chain: ModelEntry[],
  plan: AttemptPlan<T>,
): Promise<Answered<T>> {
  const usage = aiUsageOf(call);
  usage.attempts ??= [];
  const attempts = usage.attempts;
  let last: AiAttempt | null = null;
  // Each model of the chain as served by each of its deployments, in the balancer's order.
  const tries = chain.flatMap((m) => deps.balancer.order(m, plan.stream));
  const firstModelTries = tries.filter((m) => m.id === chain[0]!.id).length;
  let untranslatable = 0;
  for (const model of tries) {
    let body: Record<string, unknown>;
    try {
      body = maskPrompt(call, plan.body(model));
    } catch (err) {
      if (!(err instanceof TranslationError)) throw err;
      // The client's request fits none of the first model's providers: the client's to fix. A deployment or
      // a fallback that cannot take it is simply skipped.
      if (model.id === chain[0]!.id && ++untranslatable === firstModelTries)
        throw new GatewayError('bad_request', err.message);
      continue;
    }
    for (const key of deps.pool.candidates(model.provider)) {
      const attempt: AiAttempt = {
        provider: model.provider.id,
        key: key.id,
        model: model.name,
        status: null,
        error: null,
        ms: 0,
      };
      attempts.push(attempt);
      last = attempt;
      const secret = deps.pool.secretOf(key);
      if (secret === null) {
        attempt.error = 'key_unreadable';
        continue;
      }
      const sentAt = performance.now();
      const flight = deps.balancer.begin(model, plan.stream);
      try {
        const response = await deps.client.chat({
          provider: model.provider,
          key: secret,
          body,
          model: model.upstreamModel,
          stream: plan.stream,
          ...(plan.path ? { path: plan.path } : {}),
          requestId: call.requestId,
          timeoutMs: call.api!.timeoutMs,
          signal: call.abort.signal,
          consumer: call.auth?.app.tenantId ?? call.clientIp,
        });
        response.body.once('close', flight.done);
        attempt.status = response.statusCode;
        if (response.statusCode >= 200 && response.statusCode < 300) {
          call.upstreamLatencyMs = performance.now() - sentAt;
          const value = await plan.consume(response, model);
          attempt.ms = round(performance.now() - sentAt);
          flight.answered(attempt.ms);
          return { model, value, attempt };
        }
        const error = await readJson(response.body).catch(() => null);
        attempt.ms = round(performance.now() - sentAt);
        attempt.error = `http_${response.statusCode}`;
        const verdict = verdictOf(response.statusCode);
        if (verdict === 'client_error') {
          const message = providerMessage(error) ?? `status ${response.statusCode}`;
          throw new GatewayError(
            response.statusCode === 413 ? 'body_too_large' : 'bad_request',
            REFUSED_BY_PROVIDER(message),
          );
        }
        if (verdict === 'next_model') break;
        deps.pool.failed(
          key.id,
          response.statusCode === 429
            ? keyFailures.rateLimited
            : response.statusCode < 500 && response.statusCode !== 408
              ? keyFailures.rejected
              : keyFailures.unavailable,
          retryAfterMs(response.headers['retry-after']),
        );
      } catch (err) {
        flight.done();
        attempt.ms = round(performance.now() - sentAt);
        if (call.abort.signal.aborted) {
          attempt.error = 'client_abort';
          call.errorKind = 'client_abort';
          throw new GatewayError('bad_request', 'the client went away');
        }
        if (!(err instanceof ProviderFault)) throw err;
        attempt.error = err.kind;
        // A full pool is no fault of the key, and the model's other keys share the pool: next model.
        if (err.kind === networkFaults.queued) break;
        deps.pool.failed(key.id, keyFailures.unavailable);
      }
    }
  }
  if (!last && tries.every((m) => m.provider.keys.length === 0)) {
    call.errorKind = 'upstream_no_key';
    throw new GatewayError('upstream_unavailable', NO_KEYS);
  }
  if (!last) {
    call.errorKind = 'ai_keys_cooling';
    const retryAfter = Math.min(...tries.map((m) => deps.pool.secondsUntilUsable(m.provider)));
    throw new GatewayError('ai_keys_cooling', COOLING, { headers: { 'retry-after': String(retryAfter) } });
  }
  const kind = last.error ?? 'upstream_reset';
  // An attempt's error is a network fault (already upstream_…), key_unreadable or http_<status>.
  call.errorKind = (kind.startsWith('upstream_') ? kind : `upstream_${kind}`) as ErrorKind;
  if (last.error === networkFaults.timeout || last.error === networkFaults.queued)
    throw new GatewayError('upstream_timeout', ALL_FAILED(attempts.length));
  throw new GatewayError('upstream_unavailable', ALL_FAILED(attempts.length));
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
