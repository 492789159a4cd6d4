// A provider failing mid-stream behind each front door: the client library raises the front door's own error
// event (Anthropic's `event: error`, the Responses `error` event), and the call is logged as cut short.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { settled } from '../test-support/ai-fixtures.js';
import { type AiStack, ANTHROPIC, OPENAI, startAiStack } from '../test-support/ai-stack.js';

let stack: AiStack;

beforeAll(async () => {
  // Every answer of this llm-mock breaks its connection after two tokens.
  stack = await startAiStack([OPENAI, ANTHROPIC], '/faulty', { failAfterTokens: 2 });
});
afterAll(() => stack?.close());

const input = 'a reply long enough to be cut';

it.each([OPENAI.type, ANTHROPIC.type])(
  'over %s: /v1/messages ends with an Anthropic error event',
  async (model) => {
    const client = new Anthropic({ apiKey: stack.api.key, baseURL: stack.url, maxRetries: 0 });
    const id = `fault-msg-${model}`;
    const stream = client.messages.stream(
      { model, max_tokens: 50, messages: [{ role: 'user', content: input }] },
      { headers: { 'x-request-id': id } },
    );
    const types: string[] = [];
    const err = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'the connection to the provider broke off mid-stream' },
    });
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
    ]);
    const row = await settled(stack.gw, id);
    expect([row.status, row.error_kind]).toEqual([200, 'upstream_reset']);
  },
);

it.each([OPENAI.type, ANTHROPIC.type])('over %s: /responses ends with an error event', async (model) => {
  const client = new OpenAI({ apiKey: stack.api.key, baseURL: stack.url, maxRetries: 0 });
  const stream = await client.responses.create({ model, input, stream: true });
  const types: string[] = [];
  const err = await (async () => {
    for await (const event of stream) types.push(event.type);
  })().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  expect((err as InstanceType<typeof OpenAI.APIError>).message).toBe(
    'the connection to the provider broke off mid-stream',
  );
  expect(types.at(-1)).toBe('response.output_text.delta');
});
