// Rate limit and request quotas of the call's plan (per subscription) and of the consumer tenant's cap. Sets the IETF RateLimit
// header fields on every limited call; over a limit → 429 with Retry-After.
import type { Call, Step } from '../../data-plane/call.js';
import { GatewayError } from '../../errors/gateway-error.js';
import {
  type Counter,
  type LimitReason,
  type LimitState,
  type Limits,
  limitReasons,
  rateCounter,
  requestQuotaCounters,
  tenantCounters,
} from '../../limits/limits.js';
import type { AnonymousLimitSettings } from './schema.js';

const OVER_RATE = 'the rate limit of this plan is exhausted; retry after the time given';
const OVER_QUOTA = (window: string) =>
  `the ${window} request quota of this plan is used up; retry after the time given`;
const OVER_TENANT_RATE =
  'the rate limit of your tenant across its apps is exhausted; retry after the time given';
const OVER_TENANT_QUOTA = (window: string) =>
  `the ${window} request quota of your tenant across its apps is used up; retry after the time given`;
const STORE_DOWN = 'limits cannot be checked right now';

export const LIMITED_PREFIX = 'limited_';

export interface RateLimitOptions {
  limits: Limits;
  /** LIMITS_ON_STORE_ERROR: serve without limits (`open`) or refuse with 503 (`closed`). */
  onStoreError: 'open' | 'closed';
  reportStoreError(err: Error): void;
}

export function rateLimitHeaders(state: LimitState): Record<string, string> {
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.resetSec),
  };
}

export function rateLimit(options: RateLimitOptions): Step {
  const { limits, onStoreError, reportStoreError } = options;
  return async function rateLimit(call: Call) {
    const sub = call.subscription;
    const counters = sub ? planCounters(call) : anonymousCounters(call);
    if (counters === null) return;
    if (counters.length === 0) return;

    const outcome = await limits.consume(counters);
    if (outcome.allowed === null) {
      reportStoreError(outcome.error);
      if (onStoreError === 'closed') {
        call.errorKind = 'limits_unavailable';
        throw new GatewayError('limits_unavailable', STORE_DOWN, { headers: { 'retry-after': '1' } });
      }
      return;
    }
    if (outcome.state) Object.assign(call.responseHeaders, rateLimitHeaders(outcome.state));
    if (outcome.allowed) return;

    call.errorKind = LIMITED_PREFIX + outcome.reason;
    const headers = { 'retry-after': String(outcome.retryAfterSec) };
    throw refusal(outcome.reason, headers);
  };
}

/** The plan's limits, then the consumer tenant's cap across all its apps. */
function planCounters(call: Call): Counter[] {
  const sub = call.subscription!;
  const { rateLimit: rate, quota } = sub.plan;
  const counters = requestQuotaCounters(`sub:${sub.id}`, quota, call.ts);
  if (rate) counters.unshift(rateCounter(sub.id, rate));
  const tenantLimits = call.app && call.snapshot.tenantLimits.get(call.app.tenantId);
  if (tenantLimits) counters.push(...tenantCounters(call.app!.tenantId, tenantLimits, call.ts));
  return counters;
}

/**
 * An anonymous API's `settings.anonymous`, counted per client IP (the socket peer, or what TRUST_PROXY_HOPS
 * allows: a client's own X-Forwarded-For never changes it).
 */
function anonymousCounters(call: Call): Counter[] | null {
  const limits = call.api!.settings.anonymous as AnonymousLimitSettings | undefined;
  if (call.api!.auth !== 'none' || !limits) return null;
  const scope = `anon:${call.api!.id}:${call.clientIp}`;
  const counters = requestQuotaCounters(scope, limits.quota ?? null, call.ts);
  if (limits.rateLimit) counters.unshift(rateCounter(scope, limits.rateLimit));
  return counters;
}

function refusal(reason: LimitReason, headers: Record<string, string>): GatewayError {
  switch (reason) {
    case limitReasons.rate:
      return new GatewayError('rate_limited', OVER_RATE, { headers });
    case limitReasons.tenantRate:
      return new GatewayError('rate_limited', OVER_TENANT_RATE, { headers });
    case limitReasons.tenantPerDay:
    case limitReasons.tenantPerMonth:
      return new GatewayError(
        'quota_exceeded',
        OVER_TENANT_QUOTA(reason === limitReasons.tenantPerDay ? 'daily' : 'monthly'),
        { headers },
      );
    default:
      return new GatewayError(
        'quota_exceeded',
        OVER_QUOTA(reason === limitReasons.requestsPerDay ? 'daily' : 'monthly'),
        { headers },
      );
  }
}
