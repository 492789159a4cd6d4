// k6: unknown keys at a constant rate; every answer must be a 401 problem+json, and cheap.
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { baseUrl, duration, optionalEnv, parseTargets } from './lib/config.ts';
import { type SummaryData, summarize } from './lib/summary.ts';

const scenario = parseTargets(open('../targets.json')).scenarios.authFailures;
const url = `${baseUrl()}${optionalEnv('API_PATH', '/echo/get')}`;
const unexpectedStatus = new Rate('unexpected_status');

// 401 is this test's success: without this, every request would count in http_req_failed.
http.setResponseCallback(http.expectedStatuses(401));

export const options: Options = {
  scenarios: {
    bad_keys: {
      executor: 'constant-arrival-rate',
      rate: scenario.ratePerSecond,
      timeUnit: '1s',
      duration: duration(scenario.durationS),
      preAllocatedVUs: scenario.preAllocatedVUs,
      maxVUs: scenario.maxVUs,
    },
  },
  thresholds: {
    http_req_duration: [`p(95)<${scenario.thresholds.p95Ms}`, `p(99)<${scenario.thresholds.p99Ms}`],
    unexpected_status: [`rate<=${scenario.thresholds.unexpectedStatusRate}`],
    http_req_failed: [`rate<=${scenario.thresholds.unexpectedStatusRate}`],
  },
};

export default function (): void {
  // A different well-formed but unknown key each time, so no cache of a negative answer flatters the result.
  const key = `k6bad${exec.vu.idInTest}.${exec.scenario.iterationInTest}-not-a-secret`;
  const response = http.get(url, { headers: { 'x-api-key': key }, tags: { name: 'bad-key' } });
  unexpectedStatus.add(response.status !== 401);
  check(response, {
    'status is 401': (r) => r.status === 401,
    'problem+json body': (r) =>
      String(r.headers['Content-Type'] ?? '').startsWith('application/problem+json'),
  });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summarize('auth-failures', data);
}
