// The response cache on real sockets: miss then hit (header, body, call log), what makes a request the same
// (key order, `user`) or another (a parameter, the app with scope `app`), streams bypassing it, hits not
// charged (or charged with chargeHits) against a token quota, and Redis shared by two replicas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LlmMock,
  newTenant,
  postAi,
  type Replicas,
  seedAiApi,
  seedModel,
  seedProvider,
  startLlmMock,
  startReplicas,
} from '../../test-support/ai-fixtures.js';
import { startTestGateway, type TestGateway } from '../../test-support/harness.js';
import { canonicalJson } from './response-cache.js';

let mock: LlmMock;
/** Requests the provider received: a hit must not add one. */
let asked = 0;

beforeAll(async () => {
  mock = await startLlmMock();
  mock.server.on('request', () => asked++);
});
afterAll(() => mock?.close());

const post = postAi;

async function aiSetup(gw: TestGateway, basePath: string, cache: unknown, quota?: unknown) {
  const tenantId = await newTenant(gw);
  const p = await seedProvider(gw, {
    tenantId,
    type: 'openai',
    baseUrl: `${mock.url}/v1`,
    keys: [{ key: 'k' }],
  });
  await seedModel(gw, {
    tenantId,
    name: 'm',
    providerId: p.id,
    upstreamModel: 'mock-gpt-small',
    inputPricePer1k: 1,
    outputPricePer1k: 1,
  });
  return seedAiApi(gw, {
    tenantId,
    kind: 'ai',
    basePath,
    settings: { cache },
    ...(quota ? { plan: { quota } } : {}),
  });
}

const hello = { model: 'm', messages: [{ role: 'user', content: 'hello cached world' }] };

it('canonical JSON sorts keys at every depth and drops undefined members', () => {
  expect(canonicalJson({ b: [{ y: 1, x: undefined, a: 'é' }], a: null })).toBe(
    '{"a":null,"b":[{"a":"é","y":1}]}',
  );
});

describe('in memory', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw?.stop());

  it('answers the same request from the cache: same body, hit header, no provider call, no tokens charged', async () => {
    const api = await aiSetup(gw, '/c1', { ttlSeconds: 60 });
    const first = await post(gw, '/c1/chat/completions', api.key, hello);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('x-gateway-cache')).toBe('miss');
    expect(JSON.parse(first.text).choices[0].message.content).toBe('echo: hello cached world');
    expect([
      first.row.ai_cache,
      first.row.prompt_tokens,
      first.row.completion_tokens,
      first.row.cost_usd,
    ]).toEqual(['miss', 3, 4, 0.007]);
    const before = asked;
    // Other key order, another `user`: the same question.
    const again = await post(gw, '/c1/chat/completions', api.key, {
      messages: hello.messages,
      user: 'someone-else',
      model: 'm',
    });
    expect(again.res.status).toBe(200);
    expect(again.res.headers.get('x-gateway-cache')).toBe('hit');
    expect(again.res.headers.get('content-type')).toBe('application/json');
    expect(again.text).toBe(first.text);
    expect(asked).toBe(before);
    expect([
      again.row.ai_cache,
      again.row.prompt_tokens,
      again.row.completion_tokens,
      again.row.cost_usd,
    ]).toEqual(['hit', 0, 0, 0]);
    expect([again.row.model, again.row.attempts, again.row.status]).toEqual(['m', null, 200]);

    // Another parameter is another question; so is another endpoint.
    const warmer = await post(gw, '/c1/chat/completions', api.key, { ...hello, temperature: 0.5 });
    expect(warmer.res.headers.get('x-gateway-cache')).toBe('miss');
    const legacy = await post(gw, '/c1/completions', api.key, { model: 'm', prompt: 'hello cached world' });
    expect(legacy.res.headers.get('x-gateway-cache')).toBe('miss');
    expect(
      (
        await post(gw, '/c1/completions', api.key, { model: 'm', prompt: 'hello cached world' })
      ).res.headers.get('x-gateway-cache'),
    ).toBe('hit');
    expect(asked).toBe(before + 2);
    const responses = { model: 'm', input: 'hello cached world' };
    expect((await post(gw, '/c1/responses', api.key, responses)).res.headers.get('x-gateway-cache')).toBe(
      'miss',
    );
    const replayed = await post(gw, '/c1/responses', api.key, responses);
    expect(replayed.res.headers.get('x-gateway-cache')).toBe('hit');
    expect(JSON.parse(replayed.text).object).toBe('response');
    expect(asked).toBe(before + 3);

    // Streams are never answered from the cache, nor stored.
    const streamed = await post(gw, '/c1/chat/completions', api.key, { ...hello, stream: true });
    expect(streamed.res.status).toBe(200);
    expect(streamed.res.headers.get('x-gateway-cache')).toBeNull();
    expect(streamed.text).toContain('data: [DONE]');
    expect(streamed.row.ai_cache).toBeNull();
    expect(asked).toBe(before + 4);
  });

  it('does not charge hits against a token quota by default', async () => {
    // The first question uses 3 + 4 tokens, the second 2 + 3; a counter under 12 admits the next call.
    const api = await aiSetup(gw, '/c2', {}, { tokensPerDay: 12 });
    expect((await post(gw, '/c2/chat/completions', api.key, hello)).res.status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect(
        (await post(gw, '/c2/chat/completions', api.key, hello)).res.headers.get('x-gateway-cache'),
      ).toBe('hit');
    const other = { model: 'm', messages: [{ role: 'user', content: 'something else' }] };
    expect((await post(gw, '/c2/chat/completions', api.key, other)).res.status).toBe(200);
    const over = await post(gw, '/c2/chat/completions', api.key, { ...other, temperature: 1 });
    expect(over.res.status).toBe(429);
    expect(JSON.parse(over.text).error.code).toBe('quota_exceeded');
  });

  it('charges hits with chargeHits, and holds them to the quota', async () => {
    const api = await aiSetup(gw, '/c3', { chargeHits: true }, { tokensPerDay: 14 });
    expect((await post(gw, '/c3/chat/completions', api.key, hello)).res.status).toBe(200);
    const hit = await post(gw, '/c3/chat/completions', api.key, hello);
    expect(hit.res.headers.get('x-gateway-cache')).toBe('hit');
    expect([hit.row.ai_cache, hit.row.prompt_tokens, hit.row.completion_tokens, hit.row.cost_usd]).toEqual([
      'hit',
      3,
      4,
      0.007,
    ]);
    const over = await post(gw, '/c3/chat/completions', api.key, hello);
    expect(over.res.status).toBe(429);
    expect(JSON.parse(over.text).error.code).toBe('quota_exceeded');
  });

  it('keeps apps apart with scope app, and is refused as a setting with a typo', async () => {
    const api = await aiSetup(gw, '/c4', { scope: 'app' });
    const tenantOf = (await gw.admin.ok('GET', `/admin/v1/apis/${api.apiId}`)).tenantId;
    const other = await gw.admin.ok('POST', '/admin/v1/apps', { tenantId: tenantOf, name: 'second app' });
    const key2 = (await gw.admin.ok('POST', `/admin/v1/apps/${other.id}/keys`, { name: 'k' })).key;
    await gw.admin.ok('POST', '/admin/v1/subscriptions', {
      appId: other.id,
      apiId: api.apiId,
      planId: api.planId,
    });
    expect((await post(gw, '/c4/chat/completions', api.key, hello)).res.headers.get('x-gateway-cache')).toBe(
      'miss',
    );
    expect((await post(gw, '/c4/chat/completions', key2, hello)).res.headers.get('x-gateway-cache')).toBe(
      'miss',
    );
    expect((await post(gw, '/c4/chat/completions', key2, hello)).res.headers.get('x-gateway-cache')).toBe(
      'hit',
    );

    const typo = await gw.admin.request('PATCH', `/admin/v1/apis/${api.apiId}`, {
      settings: { cache: { ttl: 5 } },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.errors[0].field).toBe('settings.cache.ttl');
  });
});

describe('on Redis, shared by two replicas', () => {
  let replicas: Replicas;
  beforeAll(async () => {
    replicas = await startReplicas();
  });
  afterAll(() => replicas?.stop());

  it("serves one replica's answer from the other", async () => {
    const { a, b } = replicas;
    const api = await aiSetup(a, '/cr', { ttlSeconds: 30 });
    await replicas.converged();
    // A question of its own: the shared Redis may hold other runs' answers, never this API's.
    const question = { model: 'm', messages: [{ role: 'user', content: `replicas ${api.apiId}` }] };
    const first = await post(a, '/cr/chat/completions', api.key, question);
    expect(first.res.headers.get('x-gateway-cache')).toBe('miss');
    const before = asked;
    const other = await post(b, '/cr/chat/completions', api.key, question);
    expect(other.res.headers.get('x-gateway-cache')).toBe('hit');
    expect(other.text).toBe(first.text);
    expect(other.row.ai_cache).toBe('hit');
    expect(asked).toBe(before);
  });
});
