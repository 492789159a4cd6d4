// The official SDKs against the mock: proof that the wire formats are what real clients expect.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMock, stopAll } from './test-support.js';

afterEach(stopAll);

const KEY = 'sk-test';

describe('openai SDK', () => {
  const client = (url: string) => new OpenAI({ apiKey: KEY, baseURL: `${url}/v1`, maxRetries: 0 });

  it('reads a completion, a stream with usage and the model list', async () => {
    const openai = client(await startMock({ apiKeys: [KEY] }));
    const messages = [{ role: 'user' as const, content: 'tell me more' }];
    const whole = await openai.chat.completions.create({ model: 'mock-gpt-small', messages });
    expect(whole.choices[0]?.message.content).toBe('echo: tell me more');
    expect(whole.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });

    const stream = await openai.chat.completions.create({
      model: 'mock-gpt-small',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('echo: tell me more');
    expect(usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });

    const models = [];
    for await (const model of openai.models.list()) models.push(model.id);
    expect(models).toEqual(['mock-gpt-small', 'mock-gpt-large', 'mock-claude-small', 'mock-claude-large']);
  });

  it('surfaces a forced 429 as RateLimitError', async () => {
    const openai = client(await startMock({ apiKeys: [KEY], defaults: { status: 429 } }));
    const error = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');
  });
});

describe('anthropic SDK', () => {
  const client = (url: string) => new Anthropic({ apiKey: KEY, baseURL: url, maxRetries: 0 });
  const request = {
    model: 'mock-claude-small',
    max_tokens: 64,
    system: 'Answer briefly.',
    messages: [{ role: 'user' as const, content: 'tell me more' }],
  };

  it('reads a message and a stream', async () => {
    const anthropic = client(await startMock({ apiKeys: [KEY] }));
    const whole = await anthropic.messages.create(request);
    expect(whole.content).toEqual([{ type: 'text', text: 'echo: tell me more' }]);
    expect(whole.usage).toMatchObject({ input_tokens: 5, output_tokens: 4 });

    const final = await anthropic.messages.stream(request).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'echo: tell me more' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 5, output_tokens: 4 });
  });

  it('surfaces a wrong key as AuthenticationError', async () => {
    const anthropic = new Anthropic({
      apiKey: 'sk-wrong',
      baseURL: await startMock({ apiKeys: [KEY] }),
      maxRetries: 0,
    });
    const error = await anthropic.messages.create(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    });
  });
});
