// The front doors with the official clients, whole and streamed, over each provider type: POST /responses
// (openai client, typed Responses events) and POST /v1/messages (@anthropic-ai/sdk, Anthropic's events and
// error bodies); each call's usage and cost logged as llm-mock predicts.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AiStack,
  ANTHROPIC,
  loggedUsage,
  OPENAI,
  predict,
  startAiStack,
} from '../test-support/ai-stack.js';

const KINDS = [OPENAI, ANTHROPIC];
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
