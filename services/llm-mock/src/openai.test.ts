import { afterEach, describe, expect, it } from 'vitest';
import { call, events, startMock, stopAll } from './test-support.js';

afterEach(stopAll);

const CHAT = {
  model: 'my-model',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hello big world' },
  ],
};
// "echo: hello big world": 4 completion tokens; prompt 2 + 3 = 5.
const USAGE = { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 };
const BASE = {
  id: 'chatcmpl-mock-1',
  created: 1_700_000_000,
  model: 'my-model',
  system_fingerprint: 'fp_mock',
};

describe('POST /v1/chat/completions', () => {
  it('answers a whole completion', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/chat/completions`, { body: CHAT });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.text)).toEqual({
      id: 'chatcmpl-mock-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'my-model',
      system_fingerprint: 'fp_mock',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'echo: hello big world', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: USAGE,
    });
  });

  it('streams one chunk per token, then finish, usage and [DONE]', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/chat/completions`, {
      body: { ...CHAT, stream: true, stream_options: { include_usage: true } },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-cache');
    const chunk = (choices: unknown[], usage: unknown = null) => ({
      data: { ...BASE, object: 'chat.completion.chunk', choices, usage },
    });
    const choice = (delta: object, finish: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    });
    expect(events(answer.text)).toEqual([
      chunk([choice({ role: 'assistant', content: '' })]),
      chunk([choice({ content: 'echo: ' })]),
      chunk([choice({ content: 'hello ' })]),
      chunk([choice({ content: 'big ' })]),
      chunk([choice({ content: 'world' })]),
      chunk([choice({}, 'stop')]),
      chunk([], USAGE),
      { data: '[DONE]' },
    ]);
    expect(answer.text.startsWith('data: {"id":"chatcmpl-mock-1","object":"chat.completion.chunk"')).toBe(
      true,
    );
    expect(answer.text.endsWith('\n\ndata: [DONE]\n\n')).toBe(true);
  });

  it('leaves usage out of the stream unless asked', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/chat/completions`, { body: { ...CHAT, stream: true } });
    const all = events(answer.text);
    expect(all).toHaveLength(7);
    expect(all.slice(0, 6).every((e) => !('usage' in (e.data as object)))).toBe(true);
    expect(all.at(-1)).toEqual({ data: '[DONE]' });
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/chat/completions`, { body: { ...CHAT, max_tokens: 2 } });
    const body = JSON.parse(answer.text);
    expect(body.choices[0].message.content).toBe('echo: hello ');
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
  });

  it('numbers completions from 1 per server', async () => {
    const url = await startMock();
    await call(`${url}/v1/chat/completions`, { body: CHAT });
    const second = JSON.parse((await call(`${url}/v1/chat/completions`, { body: CHAT })).text);
    expect(second.id).toBe('chatcmpl-mock-2');
  });

  it.each([
    [{ model: 'm' }, 'messages: Invalid input: expected array, received undefined', 'messages'],
    [{ ...CHAT, messages: [] }, 'messages: Too small: expected array to have >=1 items', 'messages'],
    [{ ...CHAT, n: 2 }, 'n: the mock answers n=1 only', 'n'],
    ['{not json', 'the request body is not valid JSON', null],
  ])('rejects a bad request in OpenAI error shape (%#)', async (body, message, param) => {
    const url = await startMock();
    const answer = await call(`${url}/v1/chat/completions`, { body });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.text)).toEqual({
      error: { message, type: 'invalid_request_error', param, code: null },
    });
  });
});

describe('other OpenAI routes', () => {
  it('lists the models', async () => {
    const url = await startMock({ models: ['a', 'b'] });
    const answer = await call(`${url}/v1/models`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      object: 'list',
      data: [
        { id: 'a', object: 'model', created: 1_700_000_000, owned_by: 'llm-mock' },
        { id: 'b', object: 'model', created: 1_700_000_000, owned_by: 'llm-mock' },
      ],
    });
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    const url = await startMock();
    const missing = await call(`${url}/v1/nope`, { body: {} });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({
      error: {
        message: 'Invalid URL (POST /v1/nope)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    const wrong = await call(`${url}/v1/chat/completions`);
    expect([wrong.status, wrong.headers.allow]).toEqual([405, 'POST']);
  });

  it('answers /healthz', async () => {
    const url = await startMock({ apiKeys: ['k'] });
    const answer = await call(`${url}/healthz`);
    expect([answer.status, JSON.parse(answer.text)]).toEqual([200, { status: 'ok' }]);
  });
});
