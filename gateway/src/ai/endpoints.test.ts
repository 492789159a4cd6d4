// Every chat endpoint with the official clients, whole and streamed, over each provider format (OpenAI,
// Anthropic, Azure OpenAI, Gemini native): /chat/completions and /completions, the front doors /responses
// (typed Responses events) and /v1/messages (@anthropic-ai/sdk: Anthropic's events and error bodies), and
// /embeddings where the format has one; each call's usage and cost logged as llm-mock predicts.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiStack, ALL_KINDS, loggedUsage, predict, startAiStack } from '../test-support/ai-stack.js';

const KINDS = ALL_KINDS;
let stack: AiStack;
let client: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  // The API lives at /claude: the Anthropic SDK adds /v1/messages to its base URL, OpenAI's /responses.
  stack = await startAiStack(KINDS, '/claude');
  client = new OpenAI({ apiKey: stack.api.key, baseURL: stack.url, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: stack.api.key, baseURL: stack.url, maxRetries: 0 });
});
afterAll(() => stack?.close());

const types = KINDS.map((k) => k.type);

const instructions = 'be kind';
const input = 'say something nice';
const p = predict([
  { role: 'system', content: instructions },
  { role: 'user', content: input },
]);
const usage = {
  input_tokens: p.promptTokens,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: p.completionTokens,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: p.promptTokens + p.completionTokens,
};

const chatUsage = {
  prompt_tokens: p.promptTokens,
  completion_tokens: p.completionTokens,
  total_tokens: p.promptTokens + p.completionTokens,
};
const chatMessages = [
  { role: 'system' as const, content: instructions },
  { role: 'user' as const, content: input },
];

describe.each(types)('POST /chat/completions and /completions over a provider of type %s', (model) => {
  it('answers a whole chat completion and logs its usage and cost', async () => {
    const id = `chat-${model}`;
    const res = await client.chat.completions.create(
      { model, messages: chatMessages },
      { headers: { 'x-request-id': id } },
    );
    expect([res.model, res.choices[0]?.message.content, res.choices[0]?.finish_reason]).toEqual([
      model,
      p.text,
      'stop',
    ]);
    expect(res.usage).toEqual(chatUsage);
    expect(await loggedUsage(stack, id)).toEqual([200, p.promptTokens, p.completionTokens, p.costUsd]);
  });

  it('streams chat chunks with the usage chunk asked for', async () => {
    const id = `chat-stream-${model}`;
    const stream = await client.chat.completions.create(
      { model, messages: chatMessages, stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-request-id': id } },
    );
    let text = '';
    let finish: string | null = null;
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect([text, finish, usage]).toEqual([p.text, 'stop', chatUsage]);
    expect(await loggedUsage(stack, id)).toEqual([200, p.promptTokens, p.completionTokens, p.costUsd]);
  });

  it('answers legacy completions, whole and streamed, cut at max_tokens', async () => {
    const short = predict([{ role: 'user', content: input }], 2);
    const whole = await client.completions.create({ model, prompt: input, max_tokens: 2 });
    expect([whole.choices[0]?.text, whole.choices[0]?.finish_reason]).toEqual([short.text, 'length']);
    const id = `legacy-stream-${model}`;
    const stream = await client.completions.create(
      { model, prompt: input, max_tokens: 2, stream: true },
      { headers: { 'x-request-id': id } },
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(short.text);
    expect(await loggedUsage(stack, id)).toEqual([200, short.promptTokens, 2, short.costUsd]);
  });
});

describe.each(types)('POST /responses over a provider of type %s', (model) => {
  it('answers a whole response and logs its usage and cost', async () => {
    const id = `resp-${model}`;
    const res = await client.responses.create(
      { model, instructions, input },
      { headers: { 'x-request-id': id } },
    );
    expect([res.object, res.status, res.model, res.output_text]).toEqual([
      'response',
      'completed',
      model,
      p.text,
    ]);
    expect(res.output).toEqual([
      {
        type: 'message',
        id: expect.stringMatching(/^msg_/),
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: p.text, annotations: [] }],
      },
    ]);
    expect(res.usage).toEqual(usage);
    expect(await loggedUsage(stack, id)).toEqual([200, p.promptTokens, p.completionTokens, p.costUsd]);
  });

  it('streams the typed events and logs the usage', async () => {
    const id = `resp-stream-${model}`;
    const stream = client.responses.stream(
      { model, instructions, input },
      { headers: { 'x-request-id': id } },
    );
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const final = await stream.finalResponse();
    const deltas = types.filter((t) => t === 'response.output_text.delta').length;
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(p.completionTokens).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect([deltas, text, final.output_text, final.status]).toEqual([
      p.completionTokens,
      p.text,
      p.text,
      'completed',
    ]);
    expect(final.usage).toEqual(usage);
    expect(await loggedUsage(stack, id)).toEqual([200, p.promptTokens, p.completionTokens, p.costUsd]);
  });
});

describe('POST /responses refusals', () => {
  it('cut by max_output_tokens is incomplete', async () => {
    const res = await client.responses.create({ model: 'anthropic', input, max_output_tokens: 2 });
    const short = predict([{ role: 'user', content: input }], 2);
    expect([res.status, res.incomplete_details, res.output_text]).toEqual([
      'incomplete',
      { reason: 'max_output_tokens' },
      short.text,
    ]);
  });

  it('refuses what a stateless gateway cannot serve, by name, with the OpenAI error member', async () => {
    const err = await client.responses
      .create({ model: 'openai', input, previous_response_id: 'resp_1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toEqual({
      message: 'previous_response_id: not supported, the gateway keeps no responses (send the whole input)',
      type: 'bad_request',
      param: null,
      code: 'bad_request',
    });
  });
});

const system = instructions;
const content = input;
const params = { system, max_tokens: 100, messages: [{ role: 'user' as const, content }] };

describe.each(types)('POST /v1/messages over a provider of type %s', (model) => {
  it('answers a whole message and logs its usage and cost', async () => {
    const id = `msg-${model}`;
    const res = await anthropic.messages.create({ model, ...params }, { headers: { 'x-request-id': id } });
    expect(res).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: p.text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: p.promptTokens, output_tokens: p.completionTokens },
    });
    expect(await loggedUsage(stack, id)).toEqual([200, p.promptTokens, p.completionTokens, p.costUsd]);
  });

  it("streams Anthropic's events and logs the usage", async () => {
    const id = `msg-stream-${model}`;
    const stream = anthropic.messages.stream({ model, ...params }, { headers: { 'x-request-id': id } });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalMessage();
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...Array(p.completionTokens).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect([final.content, final.stop_reason, final.usage]).toEqual([
      [{ type: 'text', text: p.text }],
      'end_turn',
      expect.objectContaining({ input_tokens: p.promptTokens, output_tokens: p.completionTokens }),
    ]);
    expect(await loggedUsage(stack, id)).toEqual([200, p.promptTokens, p.completionTokens, p.costUsd]);
  });
});

describe('POST /embeddings over the formats that have one', () => {
  it.each(['openai', 'azure'])('%s: the vectors, and the prompt tokens logged', async (model) => {
    const id = `embed-${model}`;
    const res = await client.embeddings.create(
      { model, input: ['one two', 'three'], encoding_format: 'float' },
      { headers: { 'x-request-id': id } },
    );
    expect([res.model, res.data.length, res.data[0]?.embedding.length, res.usage.prompt_tokens]).toEqual([
      model,
      2,
      8,
      3,
    ]);
    expect(await loggedUsage(stack, id)).toEqual([200, 3, 0, (3 * 0.003) / 1000]);
  });

  it('gemini (native) has none: 400 naming it', async () => {
    const err = await client.embeddings.create({ model: 'gemini', input: 'x' }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      message: "the model's provider (gemini) has no embeddings API",
    });
  });
});

describe('POST /v1/messages errors, in Anthropic shape', () => {
  it('a bad key is an AuthenticationError with {type: error, error: {type, message}}', async () => {
    const bad = new Anthropic({ apiKey: 'gk_nope.nope', baseURL: stack.url, maxRetries: 0 });
    const err = await bad.messages.create({ model: 'openai', ...params }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    const body = (err as InstanceType<typeof Anthropic.APIError>).error as Record<string, unknown>;
    expect([body.type, body.error]).toEqual([
      'error',
      { type: 'authentication_error', message: expect.any(String) },
    ]);
  });

  it('an unknown model is a NotFoundError; a refused feature names itself', async () => {
    const missing = await anthropic.messages.create({ model: 'nope', ...params }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: 'no model named nope is available through this API' },
    });
    const refused = await anthropic.messages
      .create({ model: 'openai', ...params, thinking: { type: 'enabled', budget_tokens: 1024 } })
      .catch((e: unknown) => e);
    expect((refused as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'thinking: not supported by this gateway' },
    });
  });
});
