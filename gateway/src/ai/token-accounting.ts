// Token accounting: the provider's usage goes onto the call (so the one call record feeds the log, metrics and
// usage analytics), priced per the model, and into the subscription's token quota counters.
import type { Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';
import { type Counter, type Limits, limitReasons, tokenQuotaCounters } from '../limits/limits.js';
import { LIMITED_PREFIX } from '../policies/rate-limit/index.js';
import type { ModelEntry } from './ai-config.js';
import type { Usage } from './translate/chat-request.js';

const OVER = (window: string) =>
  `the ${window} token quota of this plan is used up; retry after the time given`;
const STORE_DOWN = 'limits cannot be checked right now';

export interface TokenQuotaOptions {
  limits: Limits;
  /** LIMITS_ON_STORE_ERROR, as for request quotas. */
  onStoreError: 'open' | 'closed';
  reportStoreError(err: Error): void;
}

/** Price of a call in USD from the model's prices per 1k tokens, to the micro-dollar's hundredth. */
export function costOf(
  model: Pick<ModelEntry, 'inputPricePer1k' | 'outputPricePer1k'>,
  usage: Usage,
): number {
  const cost =
    (usage.promptTokens * model.inputPricePer1k + usage.completionTokens * model.outputPricePer1k) / 1000;
  return Math.round(cost * 1e8) / 1e8;
}

export interface TokenMeter {
  /** Records the usage so far on the call, without charging the quota (a stream in progress). */
  note(model: ModelEntry, usage: Usage): void;
  /** Records the usage on the call and adds it to the quota. Called once, before the answer's last byte. */
  charge(model: ModelEntry, usage: Usage): Promise<void>;
}

/**
 * Checks the token quota before the call (already at or over it → 429) and returns the meter that charges
 * the tokens after it. A call that starts under the quota runs to its end, even if it ends over it.
 */
export async function openTokenMeter(call: Call, o: TokenQuotaOptions): Promise<TokenMeter> {
  const sub = call.subscription;
  const counters: Counter[] = sub ? tokenQuotaCounters(`sub:${sub.id}`, sub.plan.quota, call.ts) : [];
  if (counters.length > 0) {
    const outcome = await o.limits.check(counters);
    if (outcome.allowed === null) {
      o.reportStoreError(outcome.error);
      if (o.onStoreError === 'closed') {
        call.errorKind = 'limits_unavailable';
        throw new GatewayError('limits_unavailable', STORE_DOWN, { headers: { 'retry-after': '1' } });
      }
    } else if (!outcome.allowed) {
      call.errorKind = LIMITED_PREFIX + outcome.reason;
      throw new GatewayError(
        'quota_exceeded',
        OVER(outcome.reason === limitReasons.tokensPerDay ? 'daily' : 'monthly'),
        {
          headers: { 'retry-after': String(outcome.retryAfterSec) },
        },
      );
    }
  }
  let charged = false;
  const note = (model: ModelEntry, usage: Usage) => {
    call.model = model.name;
    call.promptTokens = usage.promptTokens;
    call.completionTokens = usage.completionTokens;
    call.costUsd = costOf(model, usage);
  };
  return {
    note,
    async charge(model, usage) {
      if (charged) return;
      charged = true;
      note(model, usage);
      const total = usage.promptTokens + usage.completionTokens;
      if (counters.length === 0 || total === 0) return;
      try {
        await o.limits.add(counters, total);
      } catch (err) {
        // The answer is already paid for upstream; a counter store outage must not turn it into an error.
        o.reportStoreError(err as Error);
      }
    },
  };
}
