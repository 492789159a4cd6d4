// Load balancing across the deployments of one model, end to end on real sockets: which llm-mock answered
// each call is read from the call log's attempts (never from timings), for each strategy, with fallback and
// cool-downs, and the admin API's checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LlmMock,
  newTenant,
  seedAiApi,
  seedProvider,
  settled,
  startLlmMock,
} from '../../test-support/ai-fixtures.js';
import { startTestGateway, type TestGateway } from '../../test-support/harness.js';

let gw: TestGateway;
let tenantId: string;
let key: string;
const mocks: Record<string, LlmMock> = {};
const prv: Record<string, string> = {};
const providerName: Record<string, string> = {};

beforeAll(async () => {
  mocks.a = await startLlmMock();
  mocks.b = await startLlmMock();
  mocks.down = await startLlmMock({ defaults: { status: 503, retryAfterSeconds: 60 } });
  mocks.held = await startLlmMock({ defaults: { pauseAfterTokens: 1 } });
  mocks.slow = await startLlmMock({ defaults: { latencyMs: 2000 } });
  gw = await startTestGateway();
  tenantId = await newTenant(gw);
  for (const [name, mock] of Object.entries(mocks)) {
    prv[name] = (
      await seedProvider(gw, { tenantId, type: 'openai', baseUrl: `${mock.url}/v1`, keys: [{ key: 'k' }] })
    ).id;
    providerName[prv[name]!] = name;
  }
  // The anthropic format on mock b too: deployments of one model may speak different formats.
  prv.bAnthropic = (
    await seedProvider(gw, {
      tenantId,
      type: 'anthropic',
      baseUrl: `${mocks.b.url}/v1`,
      keys: [{ key: 'k' }],
    })
  ).id;
  providerName[prv.bAnthropic] = 'b-anthropic';
  key = (await seedAiApi(gw, { tenantId, kind: 'ai', basePath: '/lb' })).key;
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all(Object.values(mocks).map((m) => m.close()));
});

const model = (body: Record<string, unknown>) =>
  gw.admin.ok('POST', '/admin/v1/ai/models', { tenantId, upstreamModel: 'mock-any', ...body });

let seq = 0;
/** A call's answering deployment (by mock name) and the providers it tried, from the call log. */
async function ask(name: string, extra: Record<string, unknown> = {}) {
  const requestId = `lb-${name}-${seq++}`;
  const res = await fetch(`${gw.url}/lb/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'x-request-id': requestId,
    },
    body: JSON.stringify({ model: name, messages: [{ role: 'user', content: 'one two three' }], ...extra }),
  });
  const body = (await res.json()) as any;
  const row = await settled(gw, requestId);
  const attempts = JSON.parse(row.attempts!) as { provider: string; status: number | null }[];
  return { res, body, row, tried: attempts.map((a) => `${providerName[a.provider]}:${a.status}`) };
}

describe('admin API', () => {
  it('stores the strategy, the weight and the deployments, and checks their providers', async () => {
    const created = await model({
      name: 'admin-check',
      providerId: prv.a,
      routing: 'latency',
      deployments: [{ providerId: prv.b, upstreamModel: 'other', inputPricePer1k: 1 }],
    });
    expect([created.routing, created.weight, created.deployments]).toEqual([
      'latency',
      1,
      [{ providerId: prv.b, upstreamModel: 'other', weight: 1, inputPricePer1k: 1 }],
    ]);
    const read = await gw.admin.ok('GET', `/admin/v1/ai/models/${created.id}`);
    expect(read.deployments).toEqual(created.deployments);

    const foreignTenant = await newTenant(gw);
    const foreign = await seedProvider(gw, {
      tenantId: foreignTenant,
      type: 'openai',
      baseUrl: `${mocks.a!.url}/v1`,
      keys: [{ key: 'k' }],
    });
    const refused = await gw.admin.request('PATCH', `/admin/v1/ai/models/${created.id}`, {
      deployments: [
        { providerId: foreign.id, upstreamModel: 'x' },
        { providerId: prv.a, upstreamModel: 'mock-any' },
      ],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { in: 'body', field: 'deployments[0]', message: `${foreign.id} is not a provider of this tenant` },
      {
        in: 'body',
        field: 'deployments[1]',
        message: 'this provider already serves this upstream model here',
      },
    ]);
    const badStrategy = await gw.admin.request('PATCH', `/admin/v1/ai/models/${created.id}`, {
      routing: 'random',
    });
    expect(badStrategy.status).toBe(400);

    // A provider serving a model as a deployment is in use.
    const del = await gw.admin.request('DELETE', `/admin/v1/ai/providers/${prv.b}`);
    expect(del.status).toBe(409);
    expect(del.body.detail).toContain('admin-check');
    await gw.admin.ok('DELETE', `/admin/v1/ai/models/${created.id}`);
  });
});

describe('weighted', () => {
  it('spreads calls 3:1 exactly, each at its deployment’s prices and in its format', async () => {
    await model({
      name: 'w',
      providerId: prv.a,
      weight: 3,
      inputPricePer1k: 1,
      outputPricePer1k: 1,
      deployments: [
        {
          providerId: prv.bAnthropic,
          upstreamModel: 'mock-claude',
          weight: 1,
          inputPricePer1k: 10,
          outputPricePer1k: 10,
        },
      ],
    });
    const served: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { res, body, tried, row } = await ask('w');
      expect(res.status).toBe(200);
      expect(body.choices[0].message.content).toBe('echo: one two three');
      expect(body.model).toBe('w');
      served.push(tried.join(' '));
      // 3 prompt tokens, 4 completion tokens, at the prices of the deployment that answered.
      expect(row.cost_usd).toBe(tried[0] === 'a:200' ? 0.007 : 0.07);
    }
    expect(served).toEqual([
      'a:200',
      'a:200',
      'b-anthropic:200',
      'a:200',
      'a:200',
      'a:200',
      'b-anthropic:200',
      'a:200',
    ]);
  });

  it('falls from a failing deployment to the next, which then leads while the failed one cools down', async () => {
    await model({
      name: 'w-down',
      providerId: prv.down,
      weight: 5,
      deployments: [{ providerId: prv.b, upstreamModel: 'mock-any', weight: 1 }],
    });
    expect((await ask('w-down')).tried).toEqual(['down:503', 'b:200']);
    // The down provider's only key cools for its Retry-After: it is not even tried.
    for (let i = 0; i < 3; i++) expect((await ask('w-down')).tried).toEqual(['b:200']);
  });
});

describe('least-busy', () => {
  it('sends calls away from a deployment holding a stream, back once it ends', async () => {
    await model({
      name: 'lb',
      providerId: prv.held,
      routing: 'least-busy',
      deployments: [{ providerId: prv.a, upstreamModel: 'mock-any' }],
    });
    const paused = async () =>
      ((await (await fetch(`${mocks.held!.url}/mock/paused`)).json()) as { paused: number }).paused;
    // The first call goes to the first deployment and is held there mid-stream.
    const held = await fetch(`${gw.url}/lb/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'x-request-id': 'lb-held',
      },
      body: JSON.stringify({
        model: 'lb',
        stream: true,
        messages: [{ role: 'user', content: 'one two three' }],
      }),
    });
    expect(held.status).toBe(200);
    await expect.poll(paused).toBe(1);
    // Weighted turns alone would alternate; least-busy keeps away from the busy one.
    for (let i = 0; i < 3; i++) expect((await ask('lb')).tried).toEqual(['a:200']);
    await fetch(`${mocks.held!.url}/mock/release`, { method: 'POST' });
    expect(await held.text()).toContain('data: [DONE]');
    expect((await settled(gw, 'lb-held')).status).toBe(200);
    // Both idle again: the weighted turn decides, so the held deployment's turn comes back.
    const next = [(await ask('lb')).tried[0], (await ask('lb')).tried[0]];
    expect(next.sort()).toEqual(['a:200', 'held:200']);
  });
});

describe('latency', () => {
  it('measures each deployment once, then prefers the faster one', async () => {
    await model({
      name: 'lat',
      providerId: prv.slow,
      routing: 'latency',
      deployments: [{ providerId: prv.a, upstreamModel: 'mock-any' }],
    });
    // Neither measured: the weighted turn (slow first); then the unmeasured one; then the faster.
    const tried = [];
    for (let i = 0; i < 5; i++) tried.push((await ask('lat')).tried.join(' '));
    expect(tried).toEqual(['slow:200', 'a:200', 'a:200', 'a:200', 'a:200']);
  });
});
