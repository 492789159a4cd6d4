// No noisy neighbours: each provider has its own connection pool sized from its config, a full pool is shared
// in turns between consumer tenants, and the wait for a connection counts in the call's timeout. Causal tests:
// llm-mock holds streams mid-way (x-mock-pause-after-tokens) and the test acts while they are held.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LlmMock,
  newTenant,
  seedAiApi,
  seedModel,
  seedProvider,
  settled,
  startLlmMock,
} from '../test-support/ai-fixtures.js';
import { metricsText, startTestGateway, type TestGateway } from '../test-support/harness.js';

let mock: LlmMock;
let gw: TestGateway;

beforeAll(async () => {
  // Every stream is held after its first token until the test releases it; whole completions are not held.
  mock = await startLlmMock({ defaults: { pauseAfterTokens: 1 } });
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw?.stop();
  await mock?.close();
});

const messages = [{ role: 'user' as const, content: 'hello there' }];

async function paused(): Promise<number> {
  return ((await (await fetch(`${mock.url}/mock/paused`)).json()) as { paused: number }).paused;
}

async function release(): Promise<void> {
  await fetch(`${mock.url}/mock/release`, { method: 'POST' });
}

/** Calls of a provider holding a connection or waiting for one, as /metrics shows them. */
async function load(providerId: string): Promise<{ active: number; waiting: number }> {
  const text = await metricsText(gw);
  const value = (state: string) => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`gateway_ai_provider_calls{provider="${providerId}",state="${state}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  return { active: value('active'), waiting: value('waiting') };
}

/** Reads a stream to its end and returns its text (the deltas joined). */
async function drain(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

/** Releases held streams until every one of `calls` has finished. */
async function releaseUntilDone(calls: Promise<unknown>[]): Promise<unknown[]> {
  let done = false;
  const all = Promise.all(calls).finally(() => {
    done = true;
  });
  while (!done) {
    await release();
    await new Promise((r) => setTimeout(r, 10));
  }
  return all;
}

async function tenantWithModel(o: { model: string; basePath: string; maxConnections?: number }) {
  const tenantId = await newTenant(gw);
  const provider = await seedProvider(gw, {
    tenantId,
    type: 'openai',
    baseUrl: `${mock.url}/v1`,
    keys: [{ key: 'sk-any' }],
  });
  if (o.maxConnections)
    await gw.admin.ok('PATCH', `/admin/v1/ai/providers/${provider.id}`, { maxConnections: o.maxConnections });
  await seedModel(gw, { tenantId, name: o.model, providerId: provider.id, upstreamModel: 'mock-gpt-small' });
  const api = await seedAiApi(gw, { tenantId, kind: 'ai', basePath: o.basePath });
  const client = new OpenAI({ apiKey: api.key, baseURL: `${gw.url}${o.basePath}`, maxRetries: 0 });
  return { tenantId, providerId: provider.id, api, client };
}

describe('per-provider pools', () => {
  it("completes tenant B's call while 150 of tenant A's streams to the same origin are held open", async () => {
    const a = await tenantWithModel({ model: 'a-model', basePath: '/nn-a', maxConnections: 160 });
    const b = await tenantWithModel({ model: 'b-model', basePath: '/nn-b' });

    const streams = await Promise.all(
      Array.from({ length: 150 }, () =>
        a.client.chat.completions.create({ model: 'a-model', messages, stream: true }),
      ),
    );
    // All 150 reached the provider and sit there mid-stream (a global 128-connection cap would hold 22 back).
    await expect.poll(paused, { timeout: 20_000 }).toBe(150);
    expect(await load(a.providerId)).toEqual({ active: 150, waiting: 0 });

    const answer = await b.client.chat.completions.create(
      { model: 'b-model', messages },
      { headers: { 'x-request-id': 'nn-tenant-b' } },
    );
    expect(answer.choices[0]!.message.content).toBe('echo: hello there');
    // Still all held: B did not wait for any of A's streams to end.
    expect(await paused()).toBe(150);
    expect((await settled(gw, 'nn-tenant-b')).status).toBe(200);

    const texts = await releaseUntilDone(streams.map(drain));
    expect(new Set(texts)).toEqual(new Set(['echo: hello there']));
    expect(await load(a.providerId)).toEqual({ active: 0, waiting: 0 });
  }, 60_000);
});

describe('a full pool', () => {
  it('gives freed connections to the waiting consumer tenants in turn, not first come first served', async () => {
    const owner = await tenantWithModel({ model: 'shared', basePath: '/nn-shared', maxConnections: 2 });
    await gw.admin.ok('PATCH', `/admin/v1/apis/${owner.api.apiId}`, { visibility: 'public' });
    // Tenant B: another consumer tenant's app subscribed to the same API and plan.
    const tenantB = await newTenant(gw);
    const appB = await gw.admin.ok('POST', '/admin/v1/apps', { tenantId: tenantB, name: 'b app' });
    const keyB = await gw.admin.ok('POST', `/admin/v1/apps/${appB.id}/keys`, { name: 'k' });
    const sub = await gw.admin.ok('POST', '/admin/v1/subscriptions', {
      appId: appB.id,
      apiId: owner.api.apiId,
      planId: owner.api.planId,
    });
    expect(sub.status).toBe('approved');
    const clientB = new OpenAI({ apiKey: keyB.key, baseURL: `${gw.url}/nn-shared`, maxRetries: 0 });
    const open = () => owner.client.chat.completions.create({ model: 'shared', messages, stream: true });

    const before = await paused();
    const held = [open(), open()];
    await expect.poll(paused).toBe(before + 2);
    const queued = [open(), open()];
    await expect.poll(() => load(owner.providerId)).toEqual({ active: 2, waiting: 2 });
    const fromB = clientB.chat.completions.create({ model: 'shared', messages });
    await expect.poll(() => load(owner.providerId)).toEqual({ active: 2, waiting: 3 });

    // Both held streams end: one freed connection goes to A's first waiter, the other to B (its turn) ahead
    // of A's second waiter, which came before B. First come first served would give both to A, whose streams
    // are then held: B would wait for the next release, which never comes before B answers.
    await release();
    const answer = await fromB;
    expect(answer.choices[0]!.message.content).toBe('echo: hello there');
    // B's connection, once free, went to A's second waiter: both are held now.
    await expect.poll(paused).toBe(before + 2);
    expect(await load(owner.providerId)).toEqual({ active: 2, waiting: 0 });

    await releaseUntilDone([...held, ...queued].map(async (s) => drain(await s)));
  }, 30_000);

  it('counts the wait for a connection in the timeout: 504 and the attempt says why', async () => {
    const t = await tenantWithModel({ model: 'tight', basePath: '/nn-tight', maxConnections: 1 });
    await gw.admin.ok('PATCH', `/admin/v1/apis/${t.api.apiId}`, { timeoutMs: 300 });
    const before = await paused();
    const held = t.client.chat.completions.create({ model: 'tight', messages, stream: true });
    await expect.poll(paused).toBe(before + 1);

    const res = await fetch(`${gw.url}/nn-tight/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.api.key}`,
        'content-type': 'application/json',
        'x-request-id': 'nn-q',
      },
      body: JSON.stringify({ model: 'tight', messages }),
    });
    expect(res.status).toBe(504);
    const body = (await res.json()) as { error: unknown };
    expect(body.error).toEqual({
      message: 'every provider attempt failed (1); the call log lists them',
      type: 'upstream_timeout',
      param: null,
      code: 'upstream_timeout',
    });
    const row = await settled(gw, 'nn-q');
    expect(row.error_kind).toBe('upstream_queue_timeout');
    expect(JSON.parse(row.attempts!).map((a: { error: string }) => a.error)).toEqual([
      'upstream_queue_timeout',
    ]);

    // The held stream is under the same 300 ms timeout: on a busy machine it may be cut before it is released,
    // which is that call's own timeout at work, not this test's subject.
    await releaseUntilDone([held.then(drain).catch(() => '')]);
  });
});
