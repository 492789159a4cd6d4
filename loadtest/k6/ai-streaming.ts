// k6: streaming chat completions through the unified endpoint; time to first byte and tokens/s as metrics.
import { check } from 'k6';
import http from 'k6/http';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { apiKey, baseUrl, duration, optionalEnv, parseTargets } from './lib/config.ts';
import { countTokens } from './lib/sse.ts';
import { type SummaryData, summarize } from './lib/summary.ts';

const scenario = parseTargets(open('../targets.json')).scenarios.aiStreaming;
// AI_PATH: the base path of an API of kind `ai` (the contract's is /ai/v1; a team may have its own).
const url = `${baseUrl()}${optionalEnv('AI_PATH', '/ai/v1')}/chat/completions`;
const key = apiKey();
const model = optionalEnv('MODEL', scenario.model);

// k6's http client reads the whole stream before returning, so "first byte" is when the response
// headers arrive; the xk6-sse build (docs/performance.md) times each event instead.
const timeToFirstByte = new Trend('ai_ttfb', true);
const tokensPerSecond = new Trend('ai_tokens_per_second');
const completionTokens = new Trend('ai_completion_tokens');
const streamErrors = new Rate('ai_stream_errors');

export const options: Options = {
  scenarios: {
    chat: { executor: 'constant-vus', vus: scenario.vus, duration: duration(scenario.durationS) },
  },
  thresholds: {
    ai_ttfb: [`p(95)<${scenario.thresholds.ttfbP95Ms}`],
    ai_tokens_per_second: [`med>=${scenario.thresholds.tokensPerSecondMin}`],
    ai_stream_errors: [`rate<=${scenario.thresholds.errorRate}`],
  },
};

export default function (): void {
  const body = JSON.stringify({
    model,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: scenario.maxTokens,
    messages: [{ role: 'user', content: 'Write a short paragraph about API gateways.' }],
  });
  const response = http.post(url, body, {
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    tags: { name: 'chat-stream' },
  });
  let parsed = { tokens: 0, done: false };
  try {
    parsed = countTokens(String(response.body ?? ''));
  } catch {
    // An unparsable event is a broken stream: counted below as an error.
  }
  const ok = check(response, {
    'status is 200': (r) => r.status === 200,
    'is an event stream': (r) => String(r.headers['Content-Type'] ?? '').startsWith('text/event-stream'),
    'ends with [DONE]': () => parsed.done,
    'has tokens': () => parsed.tokens > 0,
  });
  streamErrors.add(!ok);
  if (!ok) return;
  timeToFirstByte.add(response.timings.waiting);
  completionTokens.add(parsed.tokens);
  const seconds = (response.timings.waiting + response.timings.receiving) / 1000;
  if (seconds > 0) tokensPerSecond.add(parsed.tokens / seconds);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summarize('ai-streaming', data);
}
