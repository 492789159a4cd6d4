// Token accounting and the limits of AI calls. Before the provider is asked, the call reserves its tokens
// (prompt estimate + completion cap) and its estimated spend against the plan's token quotas and per-minute
// rates, the model's per-minute rates and the consumer's spend budgets; after it, the reservation is settled
// to the provider's own count, which also goes onto the call (so the one call record feeds the log, metrics
// and usage analytics). Reserving first bounds what concurrent calls can overshoot (docs/ai.md).
import { aiUsageOf, type Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';
import {
  type Counter,
  type LimitReason,
  type LimitState,
  type Limits,
  limitReasons,
  minuteCounter,
  tokenQuotaCounters,
} from '../limits/limits.js';
import { LIMITED_PREFIX } from '../policies/rate-limit/index.js';
import type { ModelEntry } from './ai-config.js';
import { budgetCounters } from './budgets.js';
import type { ChatRequest, Usage } from './translate/chat-request.js';
import { DEFAULT_MAX_TOKENS, estimateTokens, promptText } from './translate/openai-anthropic.js';

const OVER_TOKENS = (window: string) =>
  `the ${window} token quota of this plan is used up; retry after the time given`;
const OVER_MINUTE = (what: string, whose: string) =>
  `the ${what} per minute of ${whose} are used up; retry after the time given`;
const OVER_BUDGET = (window: string, whose: string) =>
  `the ${window} spend budget of ${whose} is used up; retry after the time given`;
const STORE_DOWN = 'limits cannot be checked right now';

/** Spend is counted in millionths of a dollar, so its counters hold whole numbers. */
const MICRO = 1_000_000;

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

/** What a call reserves before it is sent. */
export interface Reservation {
  model: ModelEntry;
  /** The prompt as the gateway estimates it (the provider counts it exactly afterwards). */
  promptTokens: number;
  /** The most completion tokens the call may produce (its max_tokens, capped by the plan). */
  completionTokens: number;
}

export interface TokenMeter {
  /** Reserves the call's requests, tokens and spend; 429 (with OpenAI's error) when a limit is reached. */
  reserve(r: Reservation): Promise<void>;
  /** Records the usage so far on the call, without settling (a stream in progress). */
  note(model: ModelEntry, usage: Usage): void;
  /** Records the usage on the call and settles the reservation to it. Once, before the answer's last byte. */
  charge(model: ModelEntry, usage: Usage): Promise<void>;
  /** The call got no answer: gives back the tokens and spend reserved (a request made still counts). */
  release(): Promise<void>;
}

interface Group {
  unit: 'requests' | 'tokens' | 'spend';
  counters: Counter[];
  points: number;
}

/** OpenAI's headers (x-ratelimit-limit-tokens, …-remaining-…, …-reset-…) from the tightest counter. */
function openAiHeaders(unit: 'requests' | 'tokens', s: LimitState): Record<string, string> {
  return {
    [`x-ratelimit-limit-${unit}`]: String(s.limit),
    [`x-ratelimit-remaining-${unit}`]: String(s.remaining),
    [`x-ratelimit-reset-${unit}`]: `${s.resetSec}s`,
  };
}

function refusal(reason: LimitReason, headers: Record<string, string>): GatewayError {
  const r = limitReasons;
  const opts = { headers };
  switch (reason) {
    case r.tokensPerDay:
    case r.tokensPerMonth:
      return new GatewayError(
        'quota_exceeded',
        OVER_TOKENS(reason === r.tokensPerDay ? 'daily' : 'monthly'),
        opts,
      );
    case r.tokensPerMinute:
      return new GatewayError('rate_limited', OVER_MINUTE('tokens', 'this plan'), opts);
    case r.requestsPerMinute:
      return new GatewayError('rate_limited', OVER_MINUTE('requests', 'this plan'), opts);
    case r.modelTokensPerMinute:
      return new GatewayError('rate_limited', OVER_MINUTE('tokens', 'this model'), opts);
    case r.modelRequestsPerMinute:
      return new GatewayError('rate_limited', OVER_MINUTE('requests', 'this model'), opts);
    default: {
      const daily = reason === r.appBudgetDay || reason === r.tenantBudgetDay;
      const app = reason === r.appBudgetDay || reason === r.appBudgetMonth;
      return new GatewayError(
        'budget_exceeded',
        OVER_BUDGET(daily ? 'daily' : 'monthly', app ? 'this app' : 'your tenant'),
        opts,
      );
    }
  }
}

/** The counters a call is held to, by unit. */
function groupsOf(call: Call, r: Reservation, now: number): Group[] {
  const sub = call.subscription;
  const q = sub?.plan.quota;
  const m = r.model;
  const requests: Counter[] = [];
  const tokens: Counter[] = sub ? tokenQuotaCounters(`sub:${sub.id}`, q ?? null, now) : [];
  if (sub && q?.requestsPerMinute)
    requests.push(
      minuteCounter('rpm', `sub:${sub.id}`, q.requestsPerMinute, limitReasons.requestsPerMinute, now),
    );
  if (sub && q?.tokensPerMinute)
    tokens.push(minuteCounter('tpm', `sub:${sub.id}`, q.tokensPerMinute, limitReasons.tokensPerMinute, now));
  if (m.requestsPerMinute)
    requests.push(
      minuteCounter('rpm', `model:${m.id}`, m.requestsPerMinute, limitReasons.modelRequestsPerMinute, now),
    );
  if (m.tokensPerMinute)
    tokens.push(
      minuteCounter('tpm', `model:${m.id}`, m.tokensPerMinute, limitReasons.modelTokensPerMinute, now),
    );
  const cost = costOf(m, { promptTokens: r.promptTokens, completionTokens: r.completionTokens });
  return [
    { unit: 'requests', counters: requests, points: 1 },
    { unit: 'tokens', counters: tokens, points: r.promptTokens + r.completionTokens },
    { unit: 'spend', counters: budgetCounters(call, now), points: Math.ceil(cost * MICRO) },
  ];
}

export function openTokenMeter(call: Call, o: TokenQuotaOptions): TokenMeter {
  let taken: Group[] = [];
  let settled = false;

  // A refused call gives back everything; one that got no answer keeps its request counted (it was made).
  const giveBack = async (
    groups: Group[],
    usage: Usage | null,
    model: ModelEntry | null,
    refused = false,
  ) => {
    for (const g of groups) {
      if (g.unit === 'requests' && !refused) continue;
      const used =
        usage === null || model === null
          ? 0
          : g.unit === 'tokens'
            ? usage.promptTokens + usage.completionTokens
            : Math.round(costOf(model, usage) * MICRO);
      try {
        await o.limits.settle(g.counters, used - g.points);
      } catch (err) {
        // The answer is already paid for upstream; a counter store outage must not turn it into an error.
        o.reportStoreError(err as Error);
      }
    }
  };

  const note = (model: ModelEntry, usage: Usage) => {
    const slot = aiUsageOf(call);
    slot.model = model.name;
    slot.promptTokens = usage.promptTokens;
    slot.completionTokens = usage.completionTokens;
    slot.costUsd = costOf(model, usage);
  };

  return {
    async reserve(r) {
      for (const g of groupsOf(call, r, Date.now())) {
        if (g.counters.length === 0 || g.points <= 0) continue;
        const outcome = await o.limits.reserve(g.counters, g.points);
        if (outcome.allowed === null) {
          o.reportStoreError(outcome.error);
          if (o.onStoreError === 'open') continue;
          await giveBack(taken, null, null, true);
          taken = [];
          call.errorKind = 'limits_unavailable';
          throw new GatewayError('limits_unavailable', STORE_DOWN, { headers: { 'retry-after': '1' } });
        }
        if (outcome.state && g.unit !== 'spend')
          Object.assign(aiUsageOf(call).headers, openAiHeaders(g.unit, outcome.state));
        if (!outcome.allowed) {
          await giveBack(taken, null, null, true);
          taken = [];
          call.errorKind = `${LIMITED_PREFIX}${outcome.reason}`;
          throw refusal(outcome.reason, { 'retry-after': String(outcome.retryAfterSec) });
        }
        taken.push(g);
      }
    },
    note,
    async charge(model, usage) {
      if (settled) return;
      settled = true;
      note(model, usage);
      await giveBack(taken, usage, model);
    },
    async release() {
      if (settled) return;
      settled = true;
      await giveBack(taken, null, null);
    },
  };
}

/**
 * The request as sent on this plan: with a plan's `maxTokensPerCall`, a call asking for no completion cap or
 * a larger one is sent with the plan's, so what it reserves is what it can use.
 */
export function withPlanCap(call: Call, req: ChatRequest): ChatRequest {
  const cap = call.subscription?.plan.quota?.maxTokensPerCall;
  if (!cap) return req;
  const asked = req.max_completion_tokens ?? req.max_tokens;
  if (asked != null && asked <= cap) return req;
  return req.max_completion_tokens != null
    ? { ...req, max_completion_tokens: cap }
    : { ...req, max_tokens: cap };
}

/** Prompt estimate (about four characters a token) + the completion cap (DEFAULT_MAX_TOKENS when none). */
export function reservationOf(req: ChatRequest, model: ModelEntry): Reservation {
  return {
    model,
    promptTokens: estimateTokens(promptText(req)),
    completionTokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS,
  };
}
