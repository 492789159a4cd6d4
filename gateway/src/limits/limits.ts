// Checks a call against its counters (rate, quotas) in order; all pass or the call is refused, and what a
// refused call took is given back so it never uses up quota. Counts are per window, limits are applied here.
import type { Quota, RateLimit, TenantLimits } from '../domain/types.js';
import type { Count, LimiterStore } from './limiter-store.js';
import { dayWindow, monthWindow } from './windows.js';

export const limitReasons = {
  rate: 'rate',
  requestsPerDay: 'quota_day',
  requestsPerMonth: 'quota_month',
  tokensPerDay: 'tokens_day',
  tokensPerMonth: 'tokens_month',
  tenantRate: 'tenant_rate',
  tenantPerDay: 'tenant_quota_day',
  tenantPerMonth: 'tenant_quota_month',
  // AI calls (ai/token-accounting.ts): per minute per subscription and per model, spend budgets.
  tokensPerMinute: 'tokens_minute',
  requestsPerMinute: 'requests_minute',
  modelTokensPerMinute: 'model_tokens_minute',
  modelRequestsPerMinute: 'model_requests_minute',
  appBudgetDay: 'app_budget_day',
  appBudgetMonth: 'app_budget_month',
  tenantBudgetDay: 'tenant_budget_day',
  tenantBudgetMonth: 'tenant_budget_month',
} as const;
export type LimitReason = (typeof limitReasons)[keyof typeof limitReasons];

export interface Counter {
  reason: LimitReason;
  key: string;
  limit: number;
  durationSec: number;
  /** Calendar windows end at a fixed instant, not `durationSec` after the first hit. */
  secondsLeft?: number;
}

export interface LimitState {
  limit: number;
  remaining: number;
  resetSec: number;
}

/** A request quota that reached a share of its limit with this call (webhooks: quota.warning, quota.exhausted). */
export interface QuotaCrossing {
  counter: Counter;
  percent: (typeof QUOTA_THRESHOLDS)[number];
}

export const QUOTA_THRESHOLDS = [80, 100] as const;

const REQUEST_QUOTAS: ReadonlySet<LimitReason> = new Set([
  limitReasons.requestsPerDay,
  limitReasons.requestsPerMonth,
  limitReasons.tenantPerDay,
  limitReasons.tenantPerMonth,
]);

/** The thresholds a request quota passed going from `before` to `after` (each increment is atomic, so one taker sees it). */
function crossings(c: Counter, before: number, after: number): QuotaCrossing[] {
  if (!REQUEST_QUOTAS.has(c.reason)) return [];
  return QUOTA_THRESHOLDS.filter((percent) => {
    const at = Math.ceil((c.limit * percent) / 100);
    return before < at && after >= at;
  }).map((percent) => ({ counter: c, percent }));
}

export type LimitOutcome =
  | { allowed: true; state: LimitState | null; crossed?: QuotaCrossing[] }
  | { allowed: false; reason: LimitReason; state: LimitState; retryAfterSec: number }
  /** The counter store failed; the caller applies LIMITS_ON_STORE_ERROR. */
  | { allowed: null; error: Error };

/**
 * A plan's rate limit is a window of `burst` requests every `burst / requestsPerSecond` seconds: the average
 * rate is requestsPerSecond and a client may spend the whole burst at once (see docs/decisions/0002-limits.md).
 */
export function rateCounter(
  scope: string,
  rate: RateLimit,
  reason: LimitReason = limitReasons.rate,
): Counter {
  const burst = Math.max(rate.burst, rate.requestsPerSecond);
  return { reason, key: `rate:${scope}`, limit: burst, durationSec: burst / rate.requestsPerSecond };
}

/** The tenant-wide cap: counted per consumer tenant across all of its apps and subscriptions. */
export function tenantCounters(tenantId: string, limits: TenantLimits, now: number): Counter[] {
  const scope = `tenant:${tenantId}`;
  const counters = calendarCounters(now, [
    { prefix: 'qd', scope, limit: limits.quota?.requestsPerDay, reason: limitReasons.tenantPerDay },
    { prefix: 'qm', scope, limit: limits.quota?.requestsPerMonth, reason: limitReasons.tenantPerMonth },
  ]);
  if (limits.rateLimit) counters.unshift(rateCounter(scope, limits.rateLimit, limitReasons.tenantRate));
  return counters;
}

export function requestQuotaCounters(scope: string, quota: Quota | null, now: number): Counter[] {
  return calendarCounters(now, [
    { prefix: 'qd', scope, limit: quota?.requestsPerDay, reason: limitReasons.requestsPerDay },
    { prefix: 'qm', scope, limit: quota?.requestsPerMonth, reason: limitReasons.requestsPerMonth },
  ]);
}

export function tokenQuotaCounters(scope: string, quota: Quota | null, now: number): Counter[] {
  return calendarCounters(now, [
    { prefix: 'td', scope, limit: quota?.tokensPerDay, reason: limitReasons.tokensPerDay },
    { prefix: 'tm', scope, limit: quota?.tokensPerMonth, reason: limitReasons.tokensPerMonth },
  ]);
}

interface CalendarQuota {
  /** `qd`/`td`/`bd` (day) or `qm`/`tm`/`bm` (month): the last letter picks the window. */
  prefix: `${string}d` | `${string}m`;
  scope: string;
  limit: number | null | undefined;
  reason: LimitReason;
}

/** A counter for the current UTC minute (tokens or requests per minute): same key on every replica. */
export function minuteCounter(
  prefix: string,
  scope: string,
  limit: number,
  reason: LimitReason,
  now: number,
): Counter {
  const minute = Math.floor(now / 60_000);
  const secondsLeft = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
  return { reason, key: `${prefix}:${scope}:${minute}`, limit, durationSec: 60, secondsLeft };
}

/** Day and month counters whose key names the UTC window, so they reset with the calendar. */
export function calendarCounters(now: number, quotas: CalendarQuota[]): Counter[] {
  const counters: Counter[] = [];
  for (const q of quotas) {
    if (!q.limit) continue;
    const daily = q.prefix.endsWith('d');
    const w = daily ? dayWindow(now) : monthWindow(now);
    counters.push({
      reason: q.reason,
      key: `${q.prefix}:${q.scope}:${w.id}`,
      limit: q.limit,
      durationSec: daily ? 86400 : 31 * 86400,
      secondsLeft: w.secondsLeft,
    });
  }
  return counters;
}

function stateOf(counter: Counter, res: Count): LimitState {
  return {
    limit: counter.limit,
    remaining: Math.max(0, counter.limit - res.count),
    resetSec: Math.max(0, Math.ceil(res.msLeft / 1000)),
  };
}

const isRate = (c: Counter) => c.reason === limitReasons.rate || c.reason === limitReasons.tenantRate;

function tighter(a: LimitState | null, b: LimitState): LimitState {
  return a === null || b.remaining < a.remaining ? b : a;
}

export class Limits {
  /**
   * The counter store itself (memory, the cluster's primary, or Redis): the admin API's sign-in throttles count in
   * it too, so they hold across workers and replicas as limits do.
   */
  constructor(readonly store: LimiterStore) {}

  get kind(): LimiterStore['kind'] {
    return this.store.kind;
  }

  /** A counter key lives for its window: to the end of the calendar day or month, or one rate window. */
  #ttl(c: Counter): number {
    return c.secondsLeft ?? c.durationSec;
  }

  /**
   * Takes `points` from every counter, in order, against the limit in force now; at the first one without room
   * the call is refused, that counter is left untouched and the quotas taken before it are given back, so a
   * refused call never uses anything up and a raised limit admits exactly the difference.
   */
  async consume(counters: Counter[], points = 1): Promise<LimitOutcome> {
    let state: LimitState | null = null;
    let crossed: QuotaCrossing[] = [];
    const taken: Counter[] = [];
    for (const c of counters) {
      let res: Count & { taken: boolean };
      try {
        res = await this.store.take(c.key, points, c.limit, this.#ttl(c));
      } catch (err) {
        await this.#refund(taken, points);
        return { allowed: null, error: err as Error };
      }
      if (!res.taken) {
        await this.#refund(taken, points);
        const s = stateOf(c, res);
        return { allowed: false, reason: c.reason, state: s, retryAfterSec: Math.max(1, s.resetSec) };
      }
      taken.push(c);
      state = tighter(state, stateOf(c, res));
      crossed = crossed.concat(crossings(c, res.count - points, res.count));
    }
    return crossed.length ? { allowed: true, state, crossed } : { allowed: true, state };
  }

  /** Whether every counter still has room, without taking any (a token quota is checked before the call). */
  async check(counters: Counter[]): Promise<LimitOutcome> {
    let state: LimitState | null = null;
    for (const c of counters) {
      try {
        const res = await this.store.get(c.key);
        const used = res?.count ?? 0;
        const s: LimitState = {
          limit: c.limit,
          remaining: Math.max(0, c.limit - used),
          resetSec: res ? Math.ceil(res.msLeft / 1000) : this.#ttl(c),
        };
        if (used >= c.limit)
          return { allowed: false, reason: c.reason, state: s, retryAfterSec: Math.max(1, s.resetSec) };
        state = tighter(state, s);
      } catch (err) {
        return { allowed: null, error: err as Error };
      }
    }
    return { allowed: true, state };
  }

  /**
   * Takes `points` from every counter that was under its limit before; one already at or over it refuses,
   * and what was taken is given back. So a counter ends over its limit by one taker's points at most (an
   * AI call's reservation), however many take at once: each increment is atomic, in Redis too.
   */
  async reserve(counters: Counter[], points: number): Promise<LimitOutcome> {
    let state: LimitState | null = null;
    const taken: Counter[] = [];
    for (const c of counters) {
      try {
        // Room when the count before is under the limit: count + points <= limit - 1 + points, checked atomically.
        const res = await this.store.take(c.key, points, c.limit - 1 + points, this.#ttl(c));
        const s = stateOf(c, res);
        if (!res.taken) {
          await this.settle(taken, -points).catch(() => {});
          return { allowed: false, reason: c.reason, state: s, retryAfterSec: Math.max(1, s.resetSec) };
        }
        taken.push(c);
        state = tighter(state, s);
      } catch (err) {
        await this.settle(taken, -points).catch(() => {});
        return { allowed: null, error: err as Error };
      }
    }
    return { allowed: true, state };
  }

  /** Moves every counter by `delta` (negative: gives back), e.g. a reservation settled to the actual use. */
  async settle(counters: Counter[], delta: number): Promise<void> {
    if (delta === 0) return;
    for (const c of counters) await this.store.add(c.key, delta, this.#ttl(c));
  }

  /** Adds usage after the fact (tokens of a finished call); may take a counter past its limit. */
  async add(counters: Counter[], points: number): Promise<void> {
    for (const c of counters) await this.store.add(c.key, points, this.#ttl(c));
  }

  /** Gives back what a refused call took from quotas; rate windows keep it (the call did arrive). */
  async #refund(taken: Counter[], points: number): Promise<void> {
    for (const c of taken) {
      if (isRate(c)) continue;
      try {
        await this.store.add(c.key, -points, this.#ttl(c));
      } catch {}
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
