// k6: a plan's daily quota is hit exactly: quota × 200 then 429s, each with Retry-After and RateLimit headers.
import { check, sleep } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { adminCall, createQuotaFixture, type QuotaFixture } from './lib/admin.ts';
import { baseUrl, optionalEnv, parseTargets, requireEnv } from './lib/config.ts';
import { type SummaryData, summarize } from './lib/summary.ts';

const scenario = parseTargets(open('../targets.json')).scenarios.quotaEnforcement;
const base = baseUrl();
const adminToken = requireEnv('ADMIN_TOKEN');
// Where the fixture API forwards: any backend that answers 200 (the kit's echo service, say).
const upstream = requireEnv('UPSTREAM_URL');

const passed = new Counter('quota_passed');
const limited = new Counter('quota_limited');
const other = new Counter('quota_other');

// 429 is an expected answer here, not a failure.
http.setResponseCallback(http.expectedStatuses(200, 429));

export const options: Options = {
  scenarios: {
    quota: {
      executor: 'shared-iterations',
      vus: scenario.vus,
      // setup() spends one call of the quota proving the route is live (see below).
      iterations: scenario.quota + scenario.extraRequests - 1,
      maxDuration: '2m',
    },
  },
  thresholds: {
    quota_passed: [`count==${scenario.quota}`],
    quota_limited: [`count==${scenario.extraRequests}`],
    quota_other: ['count==0'],
    checks: ['rate==1'],
  },
};

function record(response: RefinedResponse<ResponseType | undefined>): void {
  passed.add(response.status === 200 ? 1 : 0);
  limited.add(response.status === 429 ? 1 : 0);
  other.add(response.status !== 200 && response.status !== 429 ? 1 : 0);
  check(response, {
    'status is 200 or 429': (r) => r.status === 200 || r.status === 429,
    'RateLimit-Limit present': (r) => r.headers['Ratelimit-Limit'] !== undefined,
    'RateLimit-Remaining present': (r) => r.headers['Ratelimit-Remaining'] !== undefined,
    'RateLimit-Reset present': (r) => r.headers['Ratelimit-Reset'] !== undefined,
  });
  if (response.status === 429) {
    check(response, { '429 has Retry-After': (r) => r.headers['Retry-After'] !== undefined });
  }
}

export function setup(): QuotaFixture {
  const fixture = createQuotaFixture(base, adminToken, upstream, scenario.quota);
  // Replicas pick up new config within about a second: poll until the key works, counting that call.
  const pollUntil = Date.now() + Number(optionalEnv('PROPAGATION_TIMEOUT_MS', '15000'));
  for (;;) {
    const response = http.get(`${base}${fixture.path}/`, {
      headers: { 'x-api-key': fixture.key },
      responseCallback: http.expectedStatuses(200, 401, 403, 404),
    });
    if (response.status === 200) {
      record(response);
      return fixture;
    }
    if (Date.now() > pollUntil) throw new Error(`quota fixture still answers ${response.status}`);
    sleep(0.2);
  }
}

export default function (fixture: QuotaFixture): void {
  record(
    http.get(`${base}${fixture.path}/`, {
      headers: { 'x-api-key': fixture.key },
      tags: { name: 'quota-call' },
    }),
  );
}

export function teardown(fixture: QuotaFixture): void {
  adminCall(base, adminToken, 'POST', `/apis/${fixture.apiId}/retire`, {});
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summarize('quota-enforcement', data);
}
