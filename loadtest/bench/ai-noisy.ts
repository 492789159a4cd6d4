// The ai noisy-neighbour row: tenant A holds many streams open on its provider (a second llm-mock holds every
// stream after its first token, MOCK_PAUSE_AFTER_TOKENS=1), tenant B calls its own provider at the same origin;
// B's latency alone and while A's streams are held, and whether B completed with all of them still open.
import { type AiRunOptions, startLlmMock } from './ai-scenario.js';
import { BenchError, BenchErrorCode } from './bench-error.js';
import { adminClient } from './seed.js';
import type { Targets } from './targets.js';

export interface NoisyNeighbourReport {
  /** Tenant A's streams held open mid-stream at the provider. */
  readonly heldStreams: number;
  /** Tenant B's whole (non-streamed) completions timed in each phase, one after another. */
  readonly calls: number;
  readonly aloneMs: { readonly p50: number; readonly p95: number };
  readonly withHeldMs: { readonly p50: number; readonly p95: number };
  /** True when every B call answered 200 while all of A's streams were still held. */
  readonly completedWhileHeld: boolean;
}

type Call = ReturnType<typeof adminClient>;

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

/** A tenant with its own provider (on `mockUrl`), model, `ai` API, plan, app, key and subscription. */
async function seedTenant(call: Call, name: string, mockUrl: string, maxConnections: number) {
  const tenantId = (await call('POST', '/tenants', { name })).id as string;
  const provider = await call('POST', '/ai/providers', {
    tenantId,
    name,
    type: 'openai',
    baseUrl: `${mockUrl}/v1`,
    maxConnections,
    keys: [{ key: `sk-${name}` }],
  });
  await call('POST', '/ai/models', { tenantId, name, providerId: provider.id, upstreamModel: 'mock-model' });
  const api = await call('POST', '/apis', {
    tenantId,
    name,
    basePath: `/${name}`,
    kind: 'ai',
    approval: 'auto',
  });
  await call('POST', `/apis/${api.id}/publish`, {});
  const plan = await call('POST', `/apis/${api.id}/plans`, { name });
  const app = await call('POST', '/apps', { tenantId, name });
  const key = (await call('POST', `/apps/${app.id}/keys`, { name })).key as string;
  await call('POST', '/subscriptions', { appId: app.id, apiId: api.id, planId: plan.id });
  return { path: `/${name}`, model: name, key };
}

async function paused(mockUrl: string): Promise<number> {
  return ((await (await fetch(`${mockUrl}/mock/paused`)).json()) as { paused: number }).paused;
}

function chat(url: string, key: string, model: string, stream: boolean): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hello there' }] }),
  });
}

async function timeCalls(url: string, key: string, model: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await chat(url, key, model, false);
    await res.arrayBuffer();
    if (res.status !== 200)
      throw new BenchError(BenchErrorCode.seedFailed, `tenant B's call → ${res.status}`);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

export async function measureNoisyNeighbour(
  options: AiRunOptions,
  targets: Targets,
  gatewayUrl: string,
  adminToken: string,
  heldStreams: number,
): Promise<NoisyNeighbourReport> {
  const mock = await startLlmMock(options, targets.local.aiMock, { MOCK_PAUSE_AFTER_TOKENS: '1' });
  const streams: Promise<unknown>[] = [];
  try {
    const call = adminClient(gatewayUrl, adminToken);
    const a = await seedTenant(call, 'bench-noisy-a', mock.url, heldStreams + 10);
    const b = await seedTenant(call, 'bench-quiet-b', mock.url, 16);
    const calls = options.quick ? 10 : 50;
    options.log(`ai noisy neighbour: ${heldStreams} streams of tenant A held, ${calls} calls of tenant B`);
    const aloneMs = await timeCalls(`${gatewayUrl}${b.path}`, b.key, b.model, calls);
    for (let i = 0; i < heldStreams; i++)
      streams.push(chat(`${gatewayUrl}${a.path}`, a.key, a.model, true).then((r) => r.arrayBuffer()));
    for (let tries = 0; (await paused(mock.url)) < heldStreams; tries++) {
      if (tries > 600) throw new BenchError(BenchErrorCode.seedFailed, "tenant A's streams never all opened");
      await new Promise((r) => setTimeout(r, 50));
    }
    const withHeldMs = await timeCalls(`${gatewayUrl}${b.path}`, b.key, b.model, calls);
    const completedWhileHeld = (await paused(mock.url)) === heldStreams;
    return {
      heldStreams,
      calls,
      aloneMs: { p50: percentile(aloneMs, 50), p95: percentile(aloneMs, 95) },
      withHeldMs: { p50: percentile(withHeldMs, 50), p95: percentile(withHeldMs, 95) },
      completedWhileHeld,
    };
  } finally {
    await fetch(`${mock.url}/mock/release`, { method: 'POST' }).catch(() => undefined);
    await Promise.allSettled(streams);
    await mock.stop();
  }
}
