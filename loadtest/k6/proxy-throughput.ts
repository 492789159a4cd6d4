// k6: a constant arrival rate through a keyed API; fails on p95/p99 latency, error rate or dropped iterations.
import { check } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { apiKey, baseUrl, duration, optionalEnv, parseTargets } from './lib/config.ts';
import { type SummaryData, summarize } from './lib/summary.ts';

const scenario = parseTargets(open('../targets.json')).scenarios.proxyThroughput;
const url = `${baseUrl()}${optionalEnv('API_PATH', '/echo/get')}`;
const key = apiKey();

export const options: Options = {
  scenarios: {
    proxy: {
      executor: 'constant-arrival-rate',
      rate: Number(optionalEnv('RATE', String(scenario.ratePerSecond))),
      timeUnit: '1s',
      duration: duration(scenario.durationS),
      preAllocatedVUs: scenario.preAllocatedVUs,
      maxVUs: scenario.maxVUs,
    },
  },
  thresholds: {
    http_req_duration: [`p(95)<${scenario.thresholds.p95Ms}`, `p(99)<${scenario.thresholds.p99Ms}`],
    http_req_failed: [`rate<=${scenario.thresholds.errorRate}`],
    // An open-model test that drops iterations is measuring its own VU shortage, not the gateway.
    dropped_iterations: [`count<=${scenario.thresholds.droppedIterations}`],
  },
};

export default function (): void {
  const response = http.get(url, { headers: { 'x-api-key': key }, tags: { name: 'keyed-call' } });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'has X-Request-Id': (r) => r.headers['X-Request-Id'] !== undefined,
  });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summarize('proxy-throughput', data);
}
