// Every error on AI and prompt endpoints carries OpenAI's `error` member, including those of the shared chain
// (key, subscription, rate limit, body limit, path checks), so the official client reports their message;
// and a model named with `/` can be retrieved (`client.models.retrieve('org/model-x')` sends `%2F`).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LlmMock,
  newTenant,
  type SeededAiApi,
  seedAiApi,
  seedModel,
  seedProvider,
  startLlmMock,
} from '../test-support/ai-fixtures.js';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';

let mock: LlmMock;
let gw: TestGateway;
let api: SeededAiApi;
let tenantId: string;
const messages = [{ role: 'user' as const, content: 'hi' }];

beforeAll(async () => {
  mock = await startLlmMock();
  gw = await startTestGateway();
  tenantId = await newTenant(gw);
  const p = await seedProvider(gw, {
    tenantId,
    type: 'openai',
    baseUrl: `${mock.url}/v1`,
    keys: [{ key: 'k' }],
  });
  await seedModel(gw, { tenantId, name: 'org/model-x', providerId: p.id, upstreamModel: 'mock-gpt-small' });
  api = await seedAiApi(gw, {
    tenantId,
    kind: 'ai',
    basePath: '/oe',
    plan: { rateLimit: { requestsPerSecond: 0.001, burst: 3 } },
  });
  await gw.admin.ok('PATCH', `/admin/v1/apis/${api.apiId}`, { maxBodyBytes: 4096 });
});

afterAll(async () => {
  await gw?.stop();
  await mock?.close();
});

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/oe`, maxRetries: 0 });

async function problem(path: string, init: RequestInit = {}) {
  const res = await fetch(`${gw.url}${path}`, init);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
}

describe('a model named with a slash', () => {
  it('is retrieved with the encoded slash the client sends, and used for chat', async () => {
    const c = client(api.key);
    const model = await c.models.retrieve('org/model-x');
    expect([model.id, model.object]).toEqual(['org/model-x', 'model']);
    const answer = await c.chat.completions.create({ model: 'org/model-x', messages });
    expect(answer.choices[0]!.message.content).toBe('echo: hi');
  });

  it('still refuses an encoded slash elsewhere, in OpenAI shape too', async () => {
    const r = await problem('/oe/chat%2Fcompletions', {
      method: 'POST',
      headers: { authorization: `Bearer ${api.key}` },
    });
    expect([r.status, r.body.code, r.body.error]).toEqual([
      400,
      'bad_request',
      {
        message: 'the path has a dot segment, an empty segment or an encoded slash',
        type: 'bad_request',
        param: null,
        code: 'bad_request',
      },
    ]);
  });
});

describe("the shared chain's errors on an AI endpoint", () => {
  const openAiError = (message: string, code: string) => ({ message, type: code, param: null, code });

  it('401 without a key and with a bad one: the client reports the message', async () => {
    const missing = await problem('/oe/models');
    expect([missing.status, missing.type]).toEqual([401, 'application/problem+json']);
    expect(missing.body.code).toBe('key_missing');
    expect(missing.body.error).toEqual(openAiError(missing.body.detail, 'key_missing'));

    const err = await client('gk_bad_key')
      .models.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect([e.status, e.code, e.type]).toEqual([401, 'key_invalid', 'key_invalid']);
    expect(e.message).not.toContain('no body');
  });

  it('403 subscription_required for a key without a subscription', async () => {
    const app = await gw.admin.ok('POST', '/admin/v1/apps', { tenantId, name: 'unsubscribed' });
    const key = (await gw.admin.ok('POST', `/admin/v1/apps/${app.id}/keys`, { name: 'k' })).key;
    const err = (await client(key)
      .models.list()
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect([err.status, err.code]).toEqual([403, 'subscription_required']);
    expect(err.message).not.toContain('no body');
  });

  it('413 for a body over the limit', async () => {
    const big = JSON.stringify({
      model: 'org/model-x',
      messages: [{ role: 'user', content: 'x'.repeat(5000) }],
    });
    const r = await problem('/oe/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
      body: big,
    });
    expect([r.status, r.body.code]).toEqual([413, 'body_too_large']);
    expect(r.body.error).toEqual(openAiError(r.body.detail, 'body_too_large'));
  });

  it("429 from the plan's rate limit", async () => {
    const c = client(api.key);
    let err: unknown = null;
    for (let i = 0; i < 5 && !err; i++)
      err = await c.models.list().then(
        () => null,
        (e: unknown) => e,
      );
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e).toBeInstanceOf(OpenAI.RateLimitError);
    expect([e.status, e.code]).toEqual([429, 'rate_limited']);
    expect(e.message).toBe('429 the rate limit of this plan is exhausted; retry after the time given');
  });
});
