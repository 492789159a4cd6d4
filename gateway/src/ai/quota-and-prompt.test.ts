// Token quotas per subscription (checked before a call, charged after it) and prompt APIs, over real sockets.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete } from '../../../services/llm-mock/src/model.js';
import {
  type LlmMock,
  newTenant,
  seedAiApi,
  seedModel,
  seedProvider,
  settled,
  startLlmMock,
} from '../test-support/ai-fixtures.js';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';
import { sharedRedisUrl } from '../test-support/redis.js';

let mock: LlmMock;
let gw: TestGateway;
let tenantId: string;

beforeAll(async () => {
  mock = await startLlmMock({ apiKeys: ['sk-upstream'] });
  gw = await startTestGateway();
  tenantId = await newTenant(gw);
  const p = await seedProvider(gw, {
    tenantId,
    type: 'anthropic',
    baseUrl: `${mock.url}/v1`,
    keys: [{ key: 'sk-upstream' }],
  });
  await seedModel(gw, { tenantId, name: 'claude', providerId: p.id, upstreamModel: 'mock-claude-small' });
});

afterAll(async () => {
  await gw?.stop();
  await mock?.close();
});

describe('token quota', () => {
  it('lets calls start while under the quota, lets a stream finish over it, then answers 429', async () => {
    const api = await seedAiApi(gw, {
      tenantId,
      kind: 'ai',
      basePath: '/quota',
      plan: { quota: { tokensPerDay: 10 } },
    });
    const client = new OpenAI({ apiKey: api.key, baseURL: `${gw.url}/quota`, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'hello big world' }]; // 3 + 4 = 7 tokens
    expect(complete(messages).promptTokens + complete(messages).completionTokens).toBe(7);

    await client.chat.completions.create({ model: 'claude', messages });
    // 7 of 10 used: this stream starts, and is not cut when it takes the total to 14.
    const stream = await client.chat.completions.create({ model: 'claude', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: hello big world');

    const res = await fetch(`${gw.url}/quota/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${api.key}`,
        'content-type': 'application/json',
        'x-request-id': 'over-quota',
      },
      body: JSON.stringify({ model: 'claude', messages }),
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    const body = (await res.json()) as any;
    expect([body.code, body.detail]).toEqual([
      'quota_exceeded',
      'the daily token quota of this plan is used up; retry after the time given',
    ]);
    const row = await settled(gw, 'over-quota');
    expect([row.status, row.error_kind, row.attempts]).toEqual([429, 'limited_tokens_day', null]);
  });

  it('applies a monthly token quota the same way', async () => {
    const api = await seedAiApi(gw, {
      tenantId,
      kind: 'ai',
      basePath: '/quota2',
      plan: { quota: { tokensPerMonth: 5 } },
    });
    const client = new OpenAI({ apiKey: api.key, baseURL: `${gw.url}/quota2`, maxRetries: 0 });
    await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'a b c' }] });
    const err = await client.chat.completions
      .create({ model: 'claude', messages: [{ role: 'user', content: 'a' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as Error).message).toBe(
      '429 the monthly token quota of this plan is used up; retry after the time given',
    );
  });
});

describe('token quota with counters in Redis', () => {
  it('behaves the same: check before, charge after, 429 once used up', async () => {
    const redisGw = await startTestGateway({ REDIS_URL: sharedRedisUrl });
    try {
      const t = await newTenant(redisGw);
      const p = await seedProvider(redisGw, {
        tenantId: t,
        type: 'openai',
        baseUrl: `${mock.url}/v1`,
        keys: [{ key: 'sk-upstream' }],
      });
      await seedModel(redisGw, {
        tenantId: t,
        name: 'gpt',
        providerId: p.id,
        upstreamModel: 'mock-gpt-small',
      });
      const api = await seedAiApi(redisGw, {
        tenantId: t,
        kind: 'ai',
        basePath: '/ai/v1',
        plan: { quota: { tokensPerDay: 10 } },
      });
      const client = new OpenAI({ apiKey: api.key, baseURL: `${redisGw.url}/ai/v1`, maxRetries: 0 });
      const messages = [{ role: 'user' as const, content: 'hello big world' }];
      await client.chat.completions.create({ model: 'gpt', messages });
      const stream = await client.chat.completions.create({ model: 'gpt', messages, stream: true });
      for await (const _ of stream);
      const err = await client.chat.completions.create({ model: 'gpt', messages }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect((err as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('quota_exceeded');
    } finally {
      await redisGw.stop();
    }
  });
});

describe('prompt API', () => {
  const settings = {
    model: 'claude',
    system: 'You translate.',
    template: 'Translate {{ text }} into {{lang}}',
    variables: { text: { type: 'string', maxLength: 100 }, lang: { type: 'string' } },
  };
  let url: string;
  let key: string;

  beforeAll(async () => {
    const api = await seedAiApi(gw, { tenantId, kind: 'prompt', basePath: '/translate', settings });
    url = `${gw.url}/translate`;
    key = api.key;
  });

  const post = (body: unknown, requestId: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify(body),
    });

  it('renders the template, asks the model and returns {output, usage}', async () => {
    const res = await post({ text: 'good morning', lang: 'French' }, 'prompt-ok');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const predicted = complete([{ role: 'user', content: 'Translate good morning into French' }], {
      system: 'You translate.',
    });
    expect((await res.json()) as any).toEqual({
      output: 'echo: Translate good morning into French',
      model: 'claude',
      usage: {
        promptTokens: predicted.promptTokens,
        completionTokens: predicted.completionTokens,
        totalTokens: predicted.promptTokens + predicted.completionTokens,
      },
    });
    expect(predicted.promptTokens).toBe(7);
    const row = await settled(gw, 'prompt-ok');
    expect([row.status, row.model, row.prompt_tokens, row.completion_tokens]).toEqual([200, 'claude', 7, 6]);
  });

  it('answers 400 naming missing and extra variables', async () => {
    const res = await post({ text: 'hi', tone: 'dry', extra: 1 }, 'prompt-400');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body).toEqual({
      type: 'https://gateway-kit.dev/problems/invalid-variables',
      title: 'Invalid prompt variables',
      status: 400,
      detail: 'missing variables: lang; unexpected variables: tone, extra',
      code: 'invalid_variables',
      requestId: res.headers.get('x-request-id'),
      missing: ['lang'],
      unexpected: ['tone', 'extra'],
      invalid: [],
      error: {
        message: 'missing variables: lang; unexpected variables: tone, extra',
        type: 'invalid_variables',
        param: null,
        code: 'invalid_variables',
      },
    });
    const row = await settled(gw, 'prompt-400');
    expect([row.status, row.error_kind, row.attempts]).toEqual([400, 'invalid_variables', null]);
  });

  it('answers 400 for a value of the wrong type or too long, and for a body that is not an object', async () => {
    const typed = await post({ text: 'x'.repeat(101), lang: 3 }, 'prompt-types');
    expect(((await typed.json()) as any).invalid).toEqual([
      { name: 'text', message: 'must be at most 100 characters' },
      { name: 'lang', message: 'must be a string' },
    ]);
    const list = await post(['hi'], 'prompt-list');
    expect([list.status, ((await list.json()) as any).detail]).toEqual([
      400,
      "the body must be a JSON object of the prompt's variables",
    ]);
  });

  it('is an API like any other: in the catalog, behind a manual approval', async () => {
    const api = await gw.admin.ok('POST', '/admin/v1/apis', {
      tenantId,
      name: 'haiku',
      basePath: '/haiku',
      kind: 'prompt',
      visibility: 'public',
      approval: 'manual',
      settings: { model: 'claude', template: 'A haiku about {{topic}}', variables: { topic: {} } },
    });
    await gw.admin.ok('POST', `/admin/v1/apis/${api.id}/publish`);
    const plan = await gw.admin.ok('POST', `/admin/v1/apis/${api.id}/plans`, { name: 'free' });
    const { items } = await gw.admin.ok('GET', '/admin/v1/catalog');
    const entry = items.find((e: { id: string }) => e.id === api.id);
    expect([entry.kind, entry.basePath, entry.plans.map((p: { id: string }) => p.id)]).toEqual([
      'prompt',
      '/haiku',
      [plan.id],
    ]);

    const app = await gw.admin.ok('POST', '/admin/v1/apps', { tenantId, name: 'poet' });
    const appKey = (await gw.admin.ok('POST', `/admin/v1/apps/${app.id}/keys`, {})).key;
    const sub = await gw.admin.ok('POST', '/admin/v1/subscriptions', {
      appId: app.id,
      apiId: api.id,
      planId: plan.id,
    });
    expect(sub.status).toBe('pending');
    const call = () =>
      fetch(`${gw.url}/haiku`, {
        method: 'POST',
        headers: { 'x-api-key': appKey, 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'rain' }),
      });
    const pending = await call();
    expect([pending.status, ((await pending.json()) as any).code]).toEqual([403, 'subscription_required']);
    await gw.admin.ok('POST', `/admin/v1/subscriptions/${sub.id}/approve`, {});
    const approved = await call();
    expect([approved.status, ((await approved.json()) as any).output]).toEqual([
      200,
      'echo: A haiku about rain',
    ]);
  });

  it('takes POST at its base path only', async () => {
    const get = await fetch(url, { headers: { 'x-api-key': key } });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const deeper = await fetch(`${url}/more`, { method: 'POST', headers: { 'x-api-key': key } });
    expect(deeper.status).toBe(404);
  });
});
