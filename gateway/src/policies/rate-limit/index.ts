// Rate limit and request quotas of the call's plan (per subscription) and of the consumer tenant's cap. Sets the IETF RateLimit
// header fields on every limited call; over a limit → 429 with Retry-After.
import type { OutgoingHttpHeaders } from 'node:http';
import type { RoutedCall } from '../../data-plane/call.js';
import type { Api } from '../../domain/types.js';
import { GatewayError } from '../../errors/gateway-error.js';
import {
  type Counter,
  type LimitReason,
  type LimitState,
  limitReasons,
  rateCounter,
  requestQuotaCounters,
  tenantCounters,
} from '../../limits/limits.js';
import { ANONYMOUS, definePolicy, type Hooks, type PolicyDeps } from '../policy.js';
import { type AnonymousLimitSettings, anonymousLimitSettings } from './schema.js';

const OVER_RATE = 'the rate limit of this plan is exhausted; retry after the time given';
const OVER_QUOTA = (window: string) =>
  `the ${window} request quota of this plan is used up; retry after the time given`;
const OVER_TENANT_RATE =
  'the rate limit of your tenant across its apps is exhausted; retry after the time given';
const OVER_TENANT_QUOTA = (window: string) =>
  `the ${window} request quota of your tenant across its apps is used up; retry after the time given`;
const STORE_DOWN = 'limits cannot be checked right now';

export const LIMITED_PREFIX = 'limited_';

export function rateLimitHeaders(state: LimitState): Record<string, string> {
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.resetSec),
  };
}

type CountersOf = (call: RoutedCall) => Counter[];

function rateLimitHooks(deps: PolicyDeps, countersOf: CountersOf): Hooks {
  const { limits, onLimitsStoreError, reportLimitsStoreError } = deps;
  return {
    async request(call: RoutedCall) {
      const counters = countersOf(call);
      if (counters.length === 0) return;
      const outcome = await limits.consume(counters);
      if (outcome.allowed === null) {
        reportLimitsStoreError(outcome.error);
        if (onLimitsStoreError === 'closed')
          throw new GatewayError('limits_unavailable', STORE_DOWN, { headers: { 'retry-after': '1' } });
        return;
      }
      call.limit = outcome.state ?? null;
      if (outcome.allowed) {
        if (outcome.crossed && call.subscription) deps.onQuotaCrossed?.(call, outcome.crossed);
        return;
      }
      call.errorKind = `${LIMITED_PREFIX}${outcome.reason}`;
      throw refusal(outcome.reason, { 'retry-after': String(outcome.retryAfterSec) });
    },
    // Every answer of a limited call carries its state: the upstream's, a refusal, a 429.
    response(call: RoutedCall, headers: OutgoingHttpHeaders) {
      if (call.limit) Object.assign(headers, rateLimitHeaders(call.limit));
    },
  };
}

/** The plan's limits, then the consumer tenant's cap across all its apps. */
function planCounters(call: RoutedCall): Counter[] {
  const sub = call.subscription;
  if (!sub) return [];
  const { rateLimit: rate, quota } = sub.plan;
  const counters = requestQuotaCounters(`sub:${sub.id}`, quota, call.ts);
  if (rate) counters.unshift(rateCounter(sub.id, rate));
  const tenantId = call.auth?.app.tenantId;
  const tenantLimits = tenantId && call.snapshot.tenantLimits.get(tenantId);
  if (tenantLimits) counters.push(...tenantCounters(tenantId, tenantLimits, call.ts));
  return counters;
}

/**
 * An anonymous API's `settings.anonymous`, counted per client IP (the socket peer, or what TRUST_PROXY_HOPS
 * allows: a client's own X-Forwarded-For never changes it).
 */
function anonymousCounters(api: Api, limits: AnonymousLimitSettings): CountersOf {
  return (call) => {
    const scope = `anon:${api.id}:${call.clientIp}`;
    const counters = requestQuotaCounters(scope, limits.quota ?? null, call.ts);
    if (limits.rateLimit) counters.unshift(rateCounter(scope, limits.rateLimit));
    return counters;
  };
}

export const rateLimit = definePolicy<AnonymousLimitSettings>({
  name: 'rate-limit',
  phase: 'limit',
  settings: { key: 'anonymous', schema: anonymousLimitSettings },
  create: (deps) => {
    const planned = rateLimitHooks(deps, planCounters);
    return {
      bind: (api, anonymous) =>
        api.auth !== ANONYMOUS
          ? planned
          : anonymous
            ? rateLimitHooks(deps, anonymousCounters(api, anonymous))
            : null,
    };
  },
});

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
