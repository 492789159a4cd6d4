// Resilience over real sockets: key fallback and cool-down, fallback models, all attempts failing, a provider
// failing mid-stream (both formats), each visible attempt by attempt in the call log. The tests run in order
// on one gateway and build on each other: a key cooled down by one stays cooled for the next.
import { once } from 'node:events';
import { type IncomingMessage, request } from 'node:http';
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
import { startTestGateway, type TestGateway } from '../test-support/harness.js';
import { estimateTokens } from './translate/openai-anthropic.js';

let gw: TestGateway;
let api: SeededAiApi;
let client: OpenAI;
const mocks: Record<string, LlmMock> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  mocks.good = await startLlmMock({ apiKeys: ['sk-good'] });
  mocks.limited = await startLlmMock({ defaults: { status: 429, retryAfterSeconds: 120 } });
  mocks.down = await startLlmMock({ defaults: { status: 500 } });
  mocks.slow = await startLlmMock({ defaults: { latencyMs: 5000 } });
  mocks.cut = await startLlmMock({ defaults: { failAfterTokens: 2 } });
  mocks.dribble = await startLlmMock({ defaults: { interTokenMs: 2000 } });
  gw = await startTestGateway();
  const tenantId = await newTenant(gw);
  const provider = async (
    name: string,
    type: 'openai' | 'anthropic',
    mock: LlmMock,
    keys: { key: string; priority?: number }[],
  ) => {
    const p = await seedProvider(gw, { tenantId, type, baseUrl: `${mock.url}/v1`, keys, name });
    ids[name] = p.id;
    p.keyIds.forEach((k, i) => {
      ids[`${name}.${i}`] = k;
    });
    return p.id;
  };
  // Priority 1 (a key the mock does not know) before priority 2 (the good one).
  await provider('pool', 'openai', mocks.good, [
    { key: 'sk-revoked', priority: 1 },
    { key: 'sk-good', priority: 2 },
  ]);
  await provider('limited', 'anthropic', mocks.limited, [{ key: 'k' }]);
  await provider('down', 'openai', mocks.down, [
    { key: 'k1', priority: 1 },
    { key: 'k2', priority: 2 },
  ]);
  await provider('slow', 'openai', mocks.slow, [{ key: 'k' }]);
  await provider('cut-openai', 'openai', mocks.cut, [{ key: 'k' }]);
  await provider('cut-anthropic', 'anthropic', mocks.cut, [{ key: 'k' }]);
  await provider('dribble', 'anthropic', mocks.dribble, [{ key: 'k' }]);
  // A base URL the mock does not serve: every request is a 404 there.
  const misrouted = await seedProvider(gw, {
    tenantId,
    type: 'openai',
    baseUrl: `${mocks.good!.url}/v2`,
    keys: [{ key: 'k' }],
    name: 'misrouted',
  });
  ids.misrouted = misrouted.id;
  ids['misrouted.0'] = misrouted.keyIds[0]!;

  const model = (name: string, providerId: string, fallbackModelId?: string) =>
    seedModel(gw, { tenantId, name, providerId, upstreamModel: 'mock-any', fallbackModelId });
  ids.pooled = await model('pooled', ids.pool!);
  ids.limitedModel = await model('limited', ids.limited!, ids.pooled);
  ids.downModel = await model('down', ids.down!);
  ids.slowModel = await model('slow', ids.slow!, ids.pooled);
  await model('cut-openai', ids['cut-openai']!);
  await model('cut-anthropic', ids['cut-anthropic']!);
  await model('dribble', ids.dribble!);
  await model('misrouted', ids.misrouted!, ids.pooled);
  api = await seedAiApi(gw, { tenantId, kind: 'ai', basePath: '/llm', timeoutMs: 300 });
  client = new OpenAI({ apiKey: api.key, baseURL: `${gw.url}/llm`, maxRetries: 0 });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all(Object.values(mocks).map((m) => m.close()));
});

const messages = [{ role: 'user' as const, content: 'hello big world' }];
const ask = (model: string, requestId: string) =>
  client.chat.completions.create({ model, messages }, { headers: { 'x-request-id': requestId } });
const attemptsOf = async (requestId: string) => {
  const row = await settled(gw, requestId);
  return { row, attempts: JSON.parse(row.attempts!) as Record<string, unknown>[] };
};
const brief = (a: Record<string, unknown>) => [a.provider, a.key, a.model, a.status, a.error];

describe('key pool', () => {
  it('falls back to the next key when one is refused, then leaves the failed key out while it cools down', async () => {
    const first = await ask('pooled', 'pool-1');
    expect(first.choices[0]!.message.content).toBe('echo: hello big world');
    const { attempts, row } = await attemptsOf('pool-1');
    expect(attempts.map(brief)).toEqual([
      [ids.pool, ids['pool.0'], 'pooled', 401, 'http_401'],
      [ids.pool, ids['pool.1'], 'pooled', 200, null],
    ]);
    expect([row.status, row.error_kind, row.prompt_tokens, row.completion_tokens]).toEqual([200, null, 3, 4]);
    // Never the key itself in the log.
    expect(row.attempts).not.toContain('sk-');

    await ask('pooled', 'pool-2');
    expect((await attemptsOf('pool-2')).attempts.map(brief)).toEqual([
      [ids.pool, ids['pool.1'], 'pooled', 200, null],
    ]);
  });

  it('tries every key, then answers 502 with the last failure as the error kind', async () => {
    const err = await ask('down', 'down-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as Error).message).toBe('502 every provider attempt failed (2); the call log lists them');
    const { attempts, row } = await attemptsOf('down-1');
    expect(attempts.map(brief)).toEqual([
      [ids.down, ids['down.0'], 'down', 500, 'http_500'],
      [ids.down, ids['down.1'], 'down', 500, 'http_500'],
    ]);
    expect([row.status, row.error_kind, row.prompt_tokens]).toEqual([502, 'upstream_http_500', null]);
  });

  it('answers 503 ai_keys_cooling with Retry-After while every key cools down', async () => {
    const res = await fetch(`${gw.url}/llm/chat/completions`, {
      method: 'POST',
      headers: { 'x-api-key': api.key, 'content-type': 'application/json', 'x-request-id': 'down-2' },
      body: JSON.stringify({ model: 'down', messages }),
    });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    expect(((await res.json()) as any).code).toBe('ai_keys_cooling');
    const { attempts, row } = await attemptsOf('down-2');
    expect(attempts).toEqual([]);
    expect(row.error_kind).toBe('ai_keys_cooling');
  });
});

describe('what the provider refuses', () => {
  it("passes a request error on as 400 with the provider's message, without cooling the key", async () => {
    const err = await client.chat.completions
      .create({ model: 'pooled', messages, n: 2 }, { headers: { 'x-request-id': 'refused-1' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toBe('400 the provider refused the request: n: the mock answers n=1 only');
    const { attempts, row } = await attemptsOf('refused-1');
    expect(attempts.map(brief)).toEqual([[ids.pool, ids['pool.1'], 'pooled', 400, 'http_400']]);
    expect([row.status, row.error_kind]).toEqual([400, 'bad_request']);
    await ask('pooled', 'refused-2');
    expect((await attemptsOf('refused-2')).attempts.map(brief)).toEqual([
      [ids.pool, ids['pool.1'], 'pooled', 200, null],
    ]);
  });

  it('goes to the fallback model when the upstream model or path is unknown (404), without cooling the key', async () => {
    await ask('misrouted', 'misrouted-1');
    expect((await attemptsOf('misrouted-1')).attempts.map(brief)).toEqual([
      [ids.misrouted, ids['misrouted.0'], 'misrouted', 404, 'http_404'],
      [ids.pool, ids['pool.1'], 'pooled', 200, null],
    ]);
    await ask('misrouted', 'misrouted-2');
    expect((await attemptsOf('misrouted-2')).attempts.map(brief)[0]).toEqual([
      ids.misrouted,
      ids['misrouted.0'],
      'misrouted',
      404,
      'http_404',
    ]);
  });
});

describe('fallback model', () => {
  it('goes to the fallback model after a 429, and keeps the rate-limited key out for its Retry-After', async () => {
    const res = await ask('limited', 'limited-1');
    expect(res.model).toBe('limited');
    expect(res.choices[0]!.message.content).toBe('echo: hello big world');
    const { attempts, row } = await attemptsOf('limited-1');
    expect(attempts.map(brief)).toEqual([
      [ids.limited, ids['limited.0'], 'limited', 429, 'http_429'],
      [ids.pool, ids['pool.1'], 'pooled', 200, null],
    ]);
    // Tokens and price are those of the model that answered.
    expect([row.model, row.prompt_tokens, row.completion_tokens]).toEqual(['pooled', 3, 4]);

    await ask('limited', 'limited-2');
    expect((await attemptsOf('limited-2')).attempts.map(brief)).toEqual([
      [ids.pool, ids['pool.1'], 'pooled', 200, null],
    ]);
  });

  it('goes to the fallback model after a timeout', async () => {
    await ask('slow', 'slow-1');
    const { attempts } = await attemptsOf('slow-1');
    expect(attempts.map(brief)).toEqual([
      [ids.slow, ids['slow.0'], 'slow', null, 'upstream_timeout'],
      [ids.pool, ids['pool.1'], 'pooled', 200, null],
    ]);
  });
});

describe('a provider failing mid-stream', () => {
  it.each(['cut-openai', 'cut-anthropic'])(
    '%s: the client gets the tokens so far, then an error its library raises',
    async (model) => {
      const requestId = `${model}-stream`;
      const stream = await client.chat.completions.create(
        { model, messages, stream: true, stream_options: { include_usage: true } },
        { headers: { 'x-request-id': requestId } },
      );
      const deltas: string[] = [];
      const err = await (async () => {
        for await (const chunk of stream) {
          const content = chunk.choices[0]?.delta.content;
          if (content) deltas.push(content);
        }
      })().catch((e: unknown) => e);
      expect(deltas).toEqual(complete(messages).deltas.slice(0, 2));
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect((err as InstanceType<typeof OpenAI.APIError>).message).toBe(
        'the connection to the provider broke off mid-stream',
      );
      expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_reset');

      const { attempts, row } = await attemptsOf(requestId);
      expect(attempts.map(brief)).toEqual([[ids[model], ids[`${model}.0`], model, 200, 'upstream_reset']]);
      // The prompt count is Anthropic's (reported at message_start) or, with no usage from OpenAI, an estimate;
      // completion tokens are the deltas that were passed on.
      const prompt = model === 'cut-anthropic' ? 3 : estimateTokens('hello big world');
      expect([row.status, row.error_kind, row.prompt_tokens, row.completion_tokens]).toEqual([
        200,
        'upstream_reset',
        prompt,
        2,
      ]);
    },
  );
});

describe('a client leaving mid-stream', () => {
  it('stops the provider request and logs 499 client_abort with the tokens passed on so far', async () => {
    // A connection of its own (no pool), cut by the client once the first delta has arrived.
    const req = request(`${gw.url}/llm/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'x-api-key': api.key, 'content-type': 'application/json', 'x-request-id': 'leaver' },
    });
    req.end(JSON.stringify({ model: 'dribble', messages, stream: true }));
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    let seen = '';
    // The first delta comes at once, the next only 2 s later: leave in between.
    for await (const chunk of res) {
      seen += chunk;
      if (seen.includes('"content":"echo: "')) break;
    }
    req.destroy();
    const { attempts, row } = await attemptsOf('leaver');
    expect(attempts.map(brief)).toEqual([[ids.dribble, ids['dribble.0'], 'dribble', 200, 'client_abort']]);
    expect([row.status, row.error_kind, row.prompt_tokens, row.completion_tokens]).toEqual([
      499,
      'client_abort',
      3,
      1,
    ]);
  });
});
