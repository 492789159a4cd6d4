// The ai-streaming scenario run locally: concurrent streamed chat completions, timed event by event.
import { countTokens } from '../k6/lib/sse.js';

export interface StreamRow {
  readonly id: 'ai-direct' | 'ai-gateway';
  readonly label: string;
  readonly streams: number;
  readonly errors: number;
  /** Time from sending the request to the first content delta (true time to first token). */
  readonly ttftMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Completion tokens per second from the first token to the end of the stream. */
  readonly tokensPerSecond: { readonly p5: number; readonly p50: number };
  readonly meanCompletionTokens: number;
}

export interface StreamOptions {
  readonly id: StreamRow['id'];
  readonly label: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly model: string;
  readonly maxTokens: number;
  readonly concurrency: number;
  readonly durationS: number;
}

/** The prompt's words come back as the mock's reply ("echo: …"), so this fixes the stream's length. */
const prompt = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 100) / 100;
}

/** True once a chunk of SSE text holds a content delta; lines may be split across reads. */
function hasContentDelta(lines: readonly string[]): boolean {
  return lines.some((line) => line.startsWith('data:') && /"delta":\{[^}]*"content":"[^"]/.test(line));
}

async function oneStream(
  options: StreamOptions,
): Promise<{ ttftMs: number; tokensPerSecond: number; tokens: number }> {
  const started = performance.now();
  const response = await fetch(options.url, {
    method: 'POST',
    headers: { ...options.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({
      model: options.model,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: options.maxTokens,
      messages: [{ role: 'user', content: prompt }],
    }),
  });
  if (response.status !== 200 || !response.body) {
    await response.arrayBuffer().catch(() => undefined);
    throw new Error(`HTTP ${response.status}`);
  }
  const decoder = new TextDecoder();
  let body = '';
  let pending = '';
  let firstToken = 0;
  for await (const chunk of response.body) {
    const text = decoder.decode(chunk, { stream: true });
    body += text;
    if (firstToken === 0) {
      const lines = (pending + text).split('\n');
      pending = lines.pop() ?? '';
      if (hasContentDelta(lines)) firstToken = performance.now();
    }
  }
  const ended = performance.now();
  const { tokens, done } = countTokens(body);
  if (!done || tokens === 0 || firstToken === 0) throw new Error('stream ended without [DONE] or tokens');
  const streamingS = (ended - firstToken) / 1000;
  return {
    ttftMs: firstToken - started,
    tokensPerSecond: streamingS > 0 ? tokens / streamingS : tokens,
    tokens,
  };
}

export async function runStreams(options: StreamOptions): Promise<StreamRow> {
  const deadline = performance.now() + options.durationS * 1000;
  const ttfts: number[] = [];
  const rates: number[] = [];
  let tokens = 0;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        const result = await oneStream(options);
        ttfts.push(result.ttftMs);
        rates.push(result.tokensPerSecond);
        tokens += result.tokens;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  ttfts.sort((a, b) => a - b);
  rates.sort((a, b) => a - b);
  return {
    id: options.id,
    label: options.label,
    streams: ttfts.length + errors,
    errors,
    ttftMs: { p50: percentile(ttfts, 50), p95: percentile(ttfts, 95), p99: percentile(ttfts, 99) },
    tokensPerSecond: { p5: percentile(rates, 5), p50: percentile(rates, 50) },
    meanCompletionTokens: ttfts.length ? Math.round((tokens / ttfts.length) * 10) / 10 : 0,
  };
}
