// The unified endpoint end to end: the official openai client, through the gateway, to real llm-mock servers
// speaking the OpenAI and the Anthropic formats; token counts checked against the mock's own rules.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complete } from '../../../services/llm-mock/src/model.js';
import {
  type LlmMock,
  newTenant,
  type SeededAiApi,
  seedAiApi,
  seedModel,
  seedProvider,
  settled,
  startLlmMock,
} from '../test-support/ai-fixtures.js';
import { metricsText, startTestGateway, type TestGateway } from '../test-support/harness.js';
import { costOf } from './token-accounting.js';
import { chatRequest } from './translate/chat-request.js';
import { toAnthropicRequest } from './translate/openai-anthropic.js';

let mock: LlmMock;
let gw: TestGateway;
let api: SeededAiApi;
let client: OpenAI;
const ids: Record<string, string> = {};
const prices = { inputPricePer1k: 0.5, outputPricePer1k: 1.5 };

beforeAll(async () => {
  mock = await startLlmMock({ apiKeys: ['sk-upstream'] });
  gw = await startTestGateway();
  const tenantId = await newTenant(gw);
  for (const type of ['openai', 'anthropic'] as const) {
    const p = await seedProvider(gw, {
      tenantId,
      type,
      baseUrl: `${mock.url}/v1`,
      keys: [{ key: 'sk-upstream' }],
      name: `${type}-mock`,
    });
    ids[`${type}Provider`] = p.id;
    ids[`${type}Key`] = p.keyIds[0]!;
  }
  await seedModel(gw, {
    tenantId,
    name: 'gpt',
    providerId: ids.openaiProvider!,
    upstreamModel: 'mock-gpt-small',
    ...prices,
  });
  await seedModel(gw, {
    tenantId,
    name: 'claude',
    providerId: ids.anthropicProvider!,
    upstreamModel: 'mock-claude-small',
    ...prices,
  });
  // Another tenant's model must not be visible through this tenant's API.
  const other = await newTenant(gw);
  const op = await seedProvider(gw, {
    tenantId: other,
    type: 'openai',
    baseUrl: `${mock.url}/v1`,
    keys: [{ key: 'x' }],
  });
  await seedModel(gw, {
    tenantId: other,
    name: 'foreign',
    providerId: op.id,
    upstreamModel: 'mock-gpt-small',
  });
  api = await seedAiApi(gw, { tenantId, kind: 'ai', basePath: '/llm' });
  client = new OpenAI({ apiKey: api.key, baseURL: `${gw.url}/llm`, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await mock?.close();
});

const messages = [
  { role: 'system' as const, content: 'answer in few words' },
  { role: 'user' as const, content: 'hello big wide world' },
];
const predicted = complete(messages);
const usage = {
  prompt_tokens: predicted.promptTokens,
  completion_tokens: predicted.completionTokens,
  total_tokens: predicted.promptTokens + predicted.completionTokens,
};

describe.each([
  ['gpt', 'openai'],
  ['claude', 'anthropic'],
] as const)('model %s (provider type %s)', (model, type) => {
  it('answers a completion in the OpenAI format and logs the exact token counts', async () => {
    const requestId = `whole-${model}`;
    const res = await client.chat.completions.create(
      { model, messages },
      { headers: { 'x-request-id': requestId } },
    );
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe(model);
    expect(res.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'echo: hello big wide world', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    expect(res.usage).toEqual(usage);

    const row = await settled(gw, requestId);
    expect({
      status: row.status,
      model: row.model,
      prompt: row.prompt_tokens,
      completion: row.completion_tokens,
      error: row.error_kind,
    }).toEqual({
      status: 200,
      model,
      prompt: predicted.promptTokens,
      completion: predicted.completionTokens,
      error: null,
    });
    expect(row.cost_usd).toBeCloseTo(
      costOf(prices, { promptTokens: predicted.promptTokens, completionTokens: predicted.completionTokens }),
      10,
    );
    expect(row.cost_usd).toBeCloseTo((8 * 0.5 + 5 * 1.5) / 1000, 10);
    const attempts = JSON.parse(row.attempts!);
    expect(attempts).toEqual([
      {
        provider: ids[`${type}Provider`],
        key: ids[`${type}Key`],
        model,
        status: 200,
        error: null,
        ms: expect.any(Number),
      },
    ]);
  });

  it('streams chunk by chunk with the usage chunk the client asked for, and logs the reported counts', async () => {
    const requestId = `stream-${model}`;
    const stream = await client.chat.completions.create(
      { model, messages, stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-request-id': requestId } },
    );
    const deltas: string[] = [];
    const finish: (string | null)[] = [];
    const usages: unknown[] = [];
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(chunk.model).toBe(model);
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish.push(choice.finish_reason);
      if (chunk.usage) usages.push(chunk.usage);
    }
    expect(deltas).toEqual(predicted.deltas);
    expect(finish).toEqual(['stop']);
    expect(usages).toEqual([usage]);

    const row = await settled(gw, requestId);
    expect([row.status, row.model, row.prompt_tokens, row.completion_tokens, row.error_kind]).toEqual([
      200,
      model,
      predicted.promptTokens,
      predicted.completionTokens,
      null,
    ]);
  });

  it('streams without a usage chunk when the client did not ask, yet still counts the tokens', async () => {
    const requestId = `stream-nousage-${model}`;
    const stream = await client.chat.completions.create(
      { model, messages: [{ role: 'user', content: 'one two' }], stream: true },
      { headers: { 'x-request-id': requestId } },
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? '').join('')).toBe('echo: one two');
    const row = await settled(gw, requestId);
    expect([row.prompt_tokens, row.completion_tokens]).toEqual([2, 3]);
  });
});

describe('the rest of the unified endpoint', () => {
  it("lists the tenant's models only", async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push([m.id, m.object, m.owned_by]);
    expect(ids).toEqual([
      ['claude', 'model', 'anthropic-mock'],
      ['gpt', 'model', 'openai-mock'],
    ]);
    const one = await client.models.retrieve('gpt');
    expect(one.id).toBe('gpt');
  });

  it("answers an unknown (or another tenant's) model with 404 model_not_found", async () => {
    const err = await client.chat.completions.create({ model: 'foreign', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const res = await fetch(`${gw.url}/llm/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'foreign', messages }),
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()) as any).toEqual({
      type: 'https://gateway-kit.dev/problems/model-not-found',
      title: 'Model not found',
      status: 404,
      detail: 'no model named foreign is available through this API',
      code: 'model_not_found',
      requestId: res.headers.get('x-request-id'),
      error: {
        message: 'no model named foreign is available through this API',
        type: 'model_not_found',
        param: null,
        code: 'model_not_found',
      },
    });
  });

  it('refuses a malformed request with 400 naming the field, and a wrong method with 405', async () => {
    const bad = await fetch(`${gw.url}/llm/chat/completions`, {
      method: 'POST',
      headers: { 'x-api-key': api.key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt', messages: [] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).detail).toBe('messages: Too small: expected array to have >=1 items');
    const get = await fetch(`${gw.url}/llm/chat/completions`, { headers: { 'x-api-key': api.key } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(((await get.json()) as any).code).toBe('method_not_allowed');
    const unknown = await fetch(`${gw.url}/llm/audio/speech`, {
      method: 'POST',
      headers: { 'x-api-key': api.key },
    });
    expect(unknown.status).toBe(404);
  });

  it('refuses OpenAI features it cannot translate for an anthropic model, by name', async () => {
    const err = await client.chat.completions
      .create({ model: 'claude', messages, response_format: { type: 'json_object' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toBe(
      "400 response_format: not supported by this model's provider (anthropic)",
    );
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('bad_request');
  });

  it('carries a tool-calling conversation to an anthropic model', async () => {
    const conversation = [
      { role: 'user' as const, content: 'weather in Paris?' },
      {
        role: 'assistant' as const,
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function' as const,
            function: { name: 'weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool' as const, tool_call_id: 'call_1', content: '18C and sunny' },
      { role: 'user' as const, content: 'so, a coat?' },
    ];
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'weather', parameters: { type: 'object', properties: {} } },
      },
    ];
    const res = await client.chat.completions.create({ model: 'claude', messages: conversation, tools });
    // What the mock saw is the translated conversation: its prediction over the Anthropic messages must match.
    const sent = toAnthropicRequest(
      chatRequest.parse({ model: 'claude', messages: conversation, tools }),
      'x',
      false,
    );
    const expected = complete(sent.messages as Parameters<typeof complete>[0]);
    expect(res.choices[0]!.message.content).toBe('echo: so, a coat?');
    expect(res.usage).toEqual({
      prompt_tokens: expected.promptTokens,
      completion_tokens: expected.completionTokens,
      total_tokens: expected.promptTokens + expected.completionTokens,
    });
  });

  it('needs the API key like any API', async () => {
    const anonymous = new OpenAI({ apiKey: 'gk_nope.nope', baseURL: `${gw.url}/llm`, maxRetries: 0 });
    const err = await anonymous.chat.completions.create({ model: 'gpt', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('feeds usage analytics: tokens and cost per app and per API', async () => {
    await gw.callLog.flushOnce();
    const range = `interval=day&from=${Date.now() - 86_400_000}&to=${Date.now() + 60_000}`;
    // Both models, one app: (8 + 8 + 2) prompt and (5 + 5 + 3) completion tokens each, plus the tool
    // conversation on claude (6 + 4); failed calls count none.
    const expected = { promptTokens: 42, completionTokens: 30, costUsd: (42 * 0.5 + 30 * 1.5) / 1000 };
    for (const [groupBy, key] of [
      ['app', api.appId],
      ['api', api.apiId],
    ] as const) {
      const { items } = await gw.admin.ok('GET', `/admin/v1/usage?groupBy=${groupBy}&${range}`);
      const row = items.find((r: { key: string }) => r.key === key);
      expect({
        promptTokens: row.promptTokens,
        completionTokens: row.completionTokens,
        costUsd: row.costUsd,
      }).toEqual(expected);
    }
  });

  it('feeds gateway_ai_tokens_total from the call record', async () => {
    const text = await metricsText(gw);
    const line = (m: string, t: string) =>
      new RegExp(`^gateway_ai_tokens_total\\{model="${m}",type="${t}"\\} (\\d+)$`, 'm').exec(text)?.[1];
    // Per model: two calls with `messages` (8 prompt, 5 completion tokens) and one "one two" stream (2 + 3);
    // claude also had the tool conversation (6 + 4).
    expect([
      line('gpt', 'prompt'),
      line('gpt', 'completion'),
      line('claude', 'prompt'),
      line('claude', 'completion'),
    ]).toEqual(['18', '13', '24', '17']);
  });
});
