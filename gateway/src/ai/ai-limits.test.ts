// Limits of AI calls, end to end with the official openai client: tokens reserved before the call and settled
// after (bounded overshoot under concurrency), tokens and requests per minute per plan and per model with
// OpenAI's x-ratelimit-* headers, spend budgets, and a TPM window exact across two replicas on Redis.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete } from '../../../services/llm-mock/src/model.js';
import {
  type LlmMock,
  newTenant,
  type Replicas,
  seedAiApi,
  seedModel,
  seedProvider,
  settled,
  startLlmMock,
  startReplicas,
} from '../test-support/ai-fixtures.js';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';

let mock: LlmMock;
let gw: TestGateway;
let tenantId: string;
let providerId: string;

beforeAll(async () => {
  mock = await startLlmMock();
  gw = await startTestGateway();
  tenantId = await newTenant(gw);
  providerId = (
    await seedProvider(gw, { tenantId, type: 'openai', baseUrl: `${mock.url}/v1`, keys: [{ key: 'k' }] })
  ).id;
});

afterAll(async () => {
  await gw?.stop();
  await mock?.close();
});

let seq = 0;
async function endpoint(o: { plan?: Record<string, unknown>; model?: Record<string, unknown> } = {}) {
  const n = ++seq;
  const model = `m${n}`;
  const modelId = await seedModel(gw, {
    tenantId,
    name: model,
    providerId,
    upstreamModel: 'mock-gpt-small',
    inputPricePer1k: 1,
    outputPricePer1k: 1,
  });
  if (o.model) await gw.admin.ok('PATCH', `/admin/v1/ai/models/${modelId}`, o.model);
  const api = await seedAiApi(gw, { tenantId, kind: 'ai', basePath: `/lim${n}`, plan: o.plan ?? {} });
  const client = new OpenAI({ apiKey: api.key, baseURL: `${gw.url}/lim${n}`, maxRetries: 0 });
  return { model, api, client, base: `${gw.url}/lim${n}` };
}

const hello = [{ role: 'user' as const, content: 'hello big wide world' }];
const used = complete(hello); // 4 prompt + 5 completion tokens

async function outcome(p: Promise<unknown>): Promise<number | string> {
  try {
    await p;
    return 200;
  } catch (err) {
    const e = err as InstanceType<typeof OpenAI.APIError>;
    return `${e.status} ${e.code}`;
  }
}

describe('token reservation', () => {
  it('bounds 10 concurrent calls on a fresh 40 tokens/day plan to one call over the quota', async () => {
    const { model, client } = await endpoint({ plan: { quota: { tokensPerDay: 40 } } });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        outcome(client.chat.completions.create({ model, messages: hello, max_tokens: 10 })),
      ),
    );
    const admitted = results.filter((r) => r === 200).length;
    // Each call reserves 5 (prompt estimate) + 10 (max_tokens) = 15 and uses 9: a call is admitted only
    // while the counter (used + reserved) is under 40, so at most one admitted call ends over the quota.
    expect(admitted).toBeGreaterThanOrEqual(3);
    expect(admitted * (used.promptTokens + used.completionTokens)).toBeLessThanOrEqual(40 - 1 + 9);
    expect(results.filter((r) => r !== 200)).toEqual(
      Array.from({ length: 10 - admitted }, () => '429 quota_exceeded'),
    );
  });

  it('settles the reservation to the actual usage, so a large max_tokens does not use up the quota', async () => {
    const { model, client } = await endpoint({ plan: { quota: { tokensPerDay: 40 } } });
    // Reserves 5 + 100, then settles to 9: the next calls still fit.
    for (let i = 0; i < 4; i++)
      expect(await outcome(client.chat.completions.create({ model, messages: hello, max_tokens: 100 }))).toBe(
        200,
      );
    // 36 used: under 40, so one more is admitted; then 45 ≥ 40.
    expect(await outcome(client.chat.completions.create({ model, messages: hello }))).toBe(200);
    expect(await outcome(client.chat.completions.create({ model, messages: hello }))).toBe(
      '429 quota_exceeded',
    );
  });

  it("sends a call without max_tokens with the plan's maxTokensPerCall, which is what it reserves", async () => {
    const { model, client } = await endpoint({ plan: { quota: { maxTokensPerCall: 2 } } });
    const answer = await client.chat.completions.create({ model, messages: hello });
    expect([answer.choices[0]!.message.content, answer.choices[0]!.finish_reason]).toEqual([
      'echo: hello ',
      'length',
    ]);
  });
});

describe('per-minute limits and headers', () => {
  const hi = [{ role: 'user' as const, content: 'hi' }]; // reserves 1 + 2 and uses 1 + 2: exact

  it("enforces the plan's tokens per minute and sends OpenAI's x-ratelimit-* headers", async () => {
    const { model, client, api, base } = await endpoint({
      plan: { quota: { tokensPerMinute: 9, requestsPerMinute: 100 } },
    });
    const first = await client.chat.completions
      .create({ model, messages: hi, max_tokens: 2 }, { headers: { 'x-request-id': 'tpm-1' } })
      .withResponse();
    const h = first.response.headers;
    expect([h.get('x-ratelimit-limit-tokens'), h.get('x-ratelimit-remaining-tokens')]).toEqual(['9', '6']);
    expect(h.get('x-ratelimit-reset-tokens')).toMatch(/^\d+s$/);
    expect([h.get('x-ratelimit-limit-requests'), h.get('x-ratelimit-remaining-requests')]).toEqual([
      '100',
      '99',
    ]);
    expect(h.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
    expect((await settled(gw, 'tpm-1')).prompt_tokens).toBe(1);
    for (let i = 0; i < 2; i++)
      expect(await outcome(client.chat.completions.create({ model, messages: hi, max_tokens: 2 }))).toBe(200);
    const refused = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: hi, max_tokens: 2 }),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as Record<string, unknown>;
    expect(body.error).toEqual({
      message: 'the tokens per minute of this plan are used up; retry after the time given',
      type: 'rate_limited',
      param: null,
      code: 'rate_limited',
    });
  });

  it("enforces the model's requests per minute across its consumers", async () => {
    const { model, client } = await endpoint({ model: { requestsPerMinute: 2 } });
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(await outcome(client.chat.completions.create({ model, messages: hi })));
    expect(results).toEqual([200, 200, '429 rate_limited']);
  });
});

describe('spend budgets', () => {
  it("refuses an app's calls once its daily budget is spent, with OpenAI's error", async () => {
    const { model, api, client } = await endpoint();
    // 'hi' costs (1 + 2) tokens × $1/1k = $0.003: two calls fit under $0.005, the third finds it spent.
    const budget = await gw.admin.ok('POST', '/admin/v1/ai/budgets', {
      tenantId,
      scope: 'app',
      scopeId: api.appId,
      usdPerDay: 0.005,
    });
    expect(budget).toMatchObject({ scope: 'app', scopeId: api.appId, usdPerDay: 0.005, usdPerMonth: null });
    const hi = [{ role: 'user' as const, content: 'hi' }];
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(await outcome(client.chat.completions.create({ model, messages: hi, max_tokens: 2 })));
    expect(results).toEqual([200, 200, '429 budget_exceeded']);
    const err = await client.chat.completions.create({ model, messages: hi }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toBe(
      '429 the daily spend budget of this app is used up; retry after the time given',
    );
  });
});

describe('tokens per minute across two replicas on Redis', () => {
  let replicas: Replicas;
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    replicas = await startReplicas();
    ({ a, b } = replicas);
  });
  afterAll(() => replicas?.stop());

  it('admits exactly 10 of 25 concurrent 3-token calls against 30 tokens per minute', async () => {
    const owner = await newTenant(a);
    const p = await seedProvider(a, {
      tenantId: owner,
      type: 'openai',
      baseUrl: `${mock.url}/v1`,
      keys: [{ key: 'k' }],
    });
    await seedModel(a, { tenantId: owner, name: 'r', providerId: p.id, upstreamModel: 'mock-gpt-small' });
    const api = await seedAiApi(a, {
      tenantId: owner,
      kind: 'ai',
      basePath: '/tpm2',
      plan: { quota: { tokensPerMinute: 30 } },
    });
    await replicas.converged();
    // The window is the UTC minute: start well inside one so the 25 calls share it.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 15_000) await new Promise((r) => setTimeout(r, left + 100));
    const clients = [a, b].map(
      (g) => new OpenAI({ apiKey: api.key, baseURL: `${g.url}/tpm2`, maxRetries: 0 }),
    );
    const hi = [{ role: 'user' as const, content: 'hi' }];
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        outcome(clients[i % 2]!.chat.completions.create({ model: 'r', messages: hi, max_tokens: 2 })),
      ),
    );
    expect(results.filter((r) => r === 200).length).toBe(10);
    expect(results.filter((r) => r === '429 rate_limited').length).toBe(15);
  });
});
