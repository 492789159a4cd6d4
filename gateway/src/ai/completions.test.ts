// Legacy POST /completions with the official openai client, whole and streamed, over an OpenAI-type and an
// Anthropic provider: the text_completion format, and the usage logged as llm-mock predicts.
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

let mock: LlmMock;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startLlmMock();
  gw = await startTestGateway();
  const tenantId = await newTenant(gw);
  for (const type of ['openai', 'anthropic'] as const) {
    const p = await seedProvider(gw, { tenantId, type, baseUrl: `${mock.url}/v1`, keys: [{ key: 'k' }] });
    await seedModel(gw, { tenantId, name: type, providerId: p.id, upstreamModel: 'mock-model' });
  }
  const api = await seedAiApi(gw, { tenantId, kind: 'ai', basePath: '/legacy' });
  client = new OpenAI({ apiKey: api.key, baseURL: `${gw.url}/legacy`, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await mock?.close();
});

const prompt = 'say something nice';
const predicted = complete([{ role: 'user', content: prompt }]);

describe.each(['openai', 'anthropic'])('POST /completions over a provider of type %s', (model) => {
  it('answers a whole text_completion and logs the usage', async () => {
    const res = await client.completions.create(
      { model, prompt, max_tokens: 50 },
      { headers: { 'x-request-id': `legacy-${model}` } },
    );
    expect([res.object, res.model]).toEqual(['text_completion', model]);
    expect(res.choices).toEqual([{ text: predicted.text, index: 0, logprobs: null, finish_reason: 'stop' }]);
    expect(res.usage).toEqual({
      prompt_tokens: predicted.promptTokens,
      completion_tokens: predicted.completionTokens,
      total_tokens: predicted.promptTokens + predicted.completionTokens,
    });
    const row = await settled(gw, `legacy-${model}`);
    expect([row.prompt_tokens, row.completion_tokens]).toEqual([
      predicted.promptTokens,
      predicted.completionTokens,
    ]);
  });

  it('streams text_completion chunks', async () => {
    const stream = await client.completions.create(
      { model, prompt, stream: true },
      { headers: { 'x-request-id': `legacy-stream-${model}` } },
    );
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('text_completion');
      text += chunk.choices[0]?.text ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([text, finish]).toEqual([predicted.text, 'stop']);
    const row = await settled(gw, `legacy-stream-${model}`);
    expect([row.status, row.prompt_tokens, row.completion_tokens]).toEqual([
      200,
      predicted.promptTokens,
      predicted.completionTokens,
    ]);
  });
});
