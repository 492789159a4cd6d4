// POST <ai api>/embeddings with the official openai client (base64 by default, floats on request): the
// provider's vectors, the public model name, and the prompt tokens and cost logged as llm-mock predicts.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embed } from '../../../services/llm-mock/src/embeddings.js';
import { countTokens } from '../../../services/llm-mock/src/model.js';
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
import { costOf } from './token-accounting.js';

let mock: LlmMock;
let gw: TestGateway;
let client: OpenAI;
const prices = { inputPricePer1k: 0.1, outputPricePer1k: 0 };

beforeAll(async () => {
  mock = await startLlmMock();
  gw = await startTestGateway();
  const tenantId = await newTenant(gw);
  for (const type of ['openai', 'anthropic'] as const) {
    const p = await seedProvider(gw, { tenantId, type, baseUrl: `${mock.url}/v1`, keys: [{ key: 'k' }] });
    await seedModel(gw, {
      tenantId,
      name: `embed-${type}`,
      providerId: p.id,
      upstreamModel: 'mock-embed',
      ...prices,
    });
  }
  const api = await seedAiApi(gw, { tenantId, kind: 'ai', basePath: '/emb' });
  client = new OpenAI({ apiKey: api.key, baseURL: `${gw.url}/emb`, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await mock?.close();
});

const round = (v: number[]) => v.map((x) => Math.round(x * 1e6) / 1e6);

describe('POST /embeddings', () => {
  it.each(['base64', 'float'] as const)(
    'embeds with encoding %s and logs the prompt tokens',
    async (format) => {
      const input = ['hello big world', 'two words'];
      const requestId = `emb-${format}`;
      const res = await client.embeddings.create(
        { model: 'embed-openai', input, ...(format === 'float' ? { encoding_format: 'float' } : {}) },
        { headers: { 'x-request-id': requestId } },
      );
      expect(res.model).toBe('embed-openai');
      expect(res.data.map((d) => [d.index, round(d.embedding)])).toEqual(
        input.map((t, i) => [i, round(embed(t))]),
      );
      const tokens = input.reduce((n, t) => n + countTokens(t), 0);
      expect(res.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
      const row = await settled(gw, requestId);
      expect([row.status, row.model, row.prompt_tokens, row.completion_tokens]).toEqual([
        200,
        'embed-openai',
        5,
        0,
      ]);
      expect(row.cost_usd).toBeCloseTo(costOf(prices, { promptTokens: 5, completionTokens: 0 }), 10);
    },
  );

  it("refuses a model whose provider has no embeddings API, in OpenAI's shape", async () => {
    const err = (await client.embeddings
      .create({ model: 'embed-anthropic', input: 'x' })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect([err.status, err.code, err.message]).toEqual([
      400,
      'bad_request',
      "400 the model's provider (anthropic) has no embeddings API",
    ]);
  });
});
