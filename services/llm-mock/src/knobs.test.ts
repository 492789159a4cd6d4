import { afterEach, describe, expect, it } from 'vitest';
import type { Sleep } from './http-io.js';
import { call, events, startMock, stopAll } from './test-support.js';

afterEach(stopAll);

const CHAT = { model: 'm', messages: [{ role: 'user', content: 'one two three' }] };
const MESSAGES = { ...CHAT, max_tokens: 50 };
const ANTHROPIC = { 'anthropic-version': '2023-06-01' };

describe('forced status and error rate', () => {
  it('answers a forced 429 with retry-after, OpenAI shape', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/chat/completions`, {
      body: CHAT,
      headers: { 'x-mock-status': '429' },
    });
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('1');
    expect(JSON.parse(answer.text)).toEqual({
      error: {
        message: 'mock: forced status 429 (x-mock-status)',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
  });

  it.each([
    ['429', 'rate_limit_error', '7'],
    ['503', 'overloaded_error', '7'],
    ['500', 'api_error', undefined],
  ])('answers a forced %s in Anthropic shape', async (status, type, retryAfter) => {
    const url = await startMock();
    const answer = await call(`${url}/v1/messages`, {
      body: MESSAGES,
      headers: { ...ANTHROPIC, 'x-mock-status': status, 'x-mock-retry-after': '7' },
    });
    expect(answer.status).toBe(Number(status));
    expect(answer.headers['retry-after']).toBe(retryAfter);
    expect(JSON.parse(answer.text)).toEqual({
      type: 'error',
      error: { type, message: `mock: forced status ${status} (x-mock-status)` },
    });
  });

  it('fails at the error rate, drawing from the random source', async () => {
    const draws = [0.7, 0.2];
    const url = await startMock({ random: () => draws.shift() ?? 0 });
    const headers = { 'x-mock-error-rate': '0.5' };
    const first = await call(`${url}/v1/chat/completions`, { body: CHAT, headers });
    const second = await call(`${url}/v1/chat/completions`, { body: CHAT, headers });
    expect([first.status, second.status]).toEqual([200, 500]);
    expect(JSON.parse(second.text)).toEqual({
      error: {
        message: 'mock: random failure (x-mock-error-rate 0.5)',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
  });

  it('takes defaults from options and lets a header override them', async () => {
    const url = await startMock({ defaults: { errorRate: 1 } });
    expect((await call(`${url}/v1/chat/completions`, { body: CHAT })).status).toBe(500);
    const overridden = await call(`${url}/v1/chat/completions`, {
      body: CHAT,
      headers: { 'x-mock-error-rate': '0' },
    });
    expect(overridden.status).toBe(200);
  });

  it('rejects a bad knob header, naming it', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/chat/completions`, {
      body: CHAT,
      headers: { 'x-mock-latency-ms': 'soon' },
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.message).toBe(
      'x-mock-latency-ms: must be a whole number from 0 to 60000',
    );
  });
});

describe('API keys', () => {
  it('requires a Bearer key on OpenAI routes', async () => {
    const url = await startMock({ apiKeys: ['sk-good'] });
    const missing = await call(`${url}/v1/chat/completions`, { body: CHAT });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.text)).toEqual({
      error: {
        message: "You didn't provide an API key: send 'Authorization: Bearer <key>'.",
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    const wrong = await call(`${url}/v1/models`, { headers: { authorization: 'Bearer sk-bad' } });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text).error).toMatchObject({
      message: 'Incorrect API key provided.',
      code: 'invalid_api_key',
    });
    const right = await call(`${url}/v1/chat/completions`, {
      body: CHAT,
      headers: { authorization: 'Bearer sk-good' },
    });
    expect(right.status).toBe(200);
  });

  it('requires x-api-key (or a Bearer key) on Anthropic routes', async () => {
    const url = await startMock({ apiKeys: ['sk-good', 'sk-other'] });
    const missing = await call(`${url}/v1/messages`, { body: MESSAGES, headers: ANTHROPIC });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.text)).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
    });
    const wrong = await call(`${url}/v1/messages`, {
      body: MESSAGES,
      headers: { ...ANTHROPIC, 'x-api-key': 'nope' },
    });
    expect(JSON.parse(wrong.text).error).toEqual({
      type: 'authentication_error',
      message: 'invalid x-api-key',
    });
    const right = await call(`${url}/v1/messages`, {
      body: MESSAGES,
      headers: { ...ANTHROPIC, 'x-api-key': 'sk-other' },
    });
    expect(right.status).toBe(200);
    const bearer = await call(`${url}/v1/messages`, {
      body: MESSAGES,
      headers: { ...ANTHROPIC, authorization: 'Bearer sk-good' },
    });
    expect(bearer.status).toBe(200);
  });
});

describe('failing mid-stream', () => {
  it('breaks an OpenAI stream after N tokens', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/chat/completions`, {
      body: { ...CHAT, stream: true },
      headers: { 'x-mock-fail-after-tokens': '2' },
    });
    expect(answer.status).toBe(200);
    expect(answer.error).toBe('terminated');
    const contents = events(answer.text).map(
      (e) => (e.data as { choices: { delta: object }[] }).choices[0]?.delta,
    );
    expect(contents).toEqual([
      { role: 'assistant', content: '' },
      { content: 'echo: ' },
      { content: 'one ' },
    ]);
  });

  it('breaks an Anthropic stream after all tokens when N is larger, before the closing events', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/messages`, {
      body: { ...MESSAGES, stream: true },
      headers: { ...ANTHROPIC, 'x-mock-fail-after-tokens': '100' },
    });
    expect(answer.error).toBe('terminated');
    expect(events(answer.text).map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
    ]);
  });

  it('closes a non-streamed request without an answer', async () => {
    const url = await startMock();
    await expect(
      call(`${url}/v1/chat/completions`, { body: CHAT, headers: { 'x-mock-fail-after-tokens': '0' } }),
    ).rejects.toThrow('fetch failed');
  });
});

describe('timing knobs', () => {
  function recorder(): { sleep: Sleep; waits: number[] } {
    const waits: number[] = [];
    return { waits, sleep: async (ms) => void waits.push(ms) };
  }
  const timing = { 'x-mock-latency-ms': '50', 'x-mock-first-token-ms': '20', 'x-mock-inter-token-ms': '5' };

  it('waits latency, first-token and inter-token delays while streaming', async () => {
    const { sleep, waits } = recorder();
    const url = await startMock({ sleep });
    const answer = await call(`${url}/v1/chat/completions`, {
      body: { ...CHAT, stream: true },
      headers: timing,
    });
    expect(answer.status).toBe(200);
    expect(waits).toEqual([50, 20, 5, 5, 5]);
  });

  it('waits latency then the whole generation time when not streaming', async () => {
    const { sleep, waits } = recorder();
    const url = await startMock({ sleep, defaults: { latencyMs: 10 } });
    await call(`${url}/v1/messages`, { body: MESSAGES, headers: { ...ANTHROPIC, ...timing } });
    await call(`${url}/v1/messages`, { body: MESSAGES, headers: ANTHROPIC });
    expect(waits).toEqual([50, 20 + 5 * 3, 10]);
  });

  it('stops waiting when the client goes away', async () => {
    const aborted: number[] = [];
    const sleep: Sleep = (ms, signal) =>
      new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          aborted.push(ms);
          reject(signal.reason);
        }),
      );
    const url = await startMock({ sleep });
    const controller = new AbortController();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ ...CHAT, stream: true }),
      headers: { 'x-mock-first-token-ms': '60000' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    controller.abort();
    await expect.poll(() => aborted).toEqual([60000]);
  });
});

describe('pausing mid-stream', () => {
  it('holds streams after N deltas until POST /mock/release, and counts them', async () => {
    const url = await startMock();
    const headers = { 'x-mock-pause-after-tokens': '1' };
    const answers = [
      call(`${url}/v1/chat/completions`, { body: { ...CHAT, stream: true }, headers }),
      call(`${url}/v1/messages`, {
        body: { ...MESSAGES, stream: true },
        headers: { ...ANTHROPIC, ...headers },
      }),
    ];
    await expect.poll(async () => JSON.parse((await call(`${url}/mock/paused`)).text)).toEqual({ paused: 2 });
    const released = await call(`${url}/mock/release`, { method: 'POST' });
    expect([released.status, JSON.parse(released.text)]).toEqual([200, { released: 2 }]);
    const [openai, anthropic] = await Promise.all(answers);
    expect(events(openai!.text).at(-1)).toEqual({ data: '[DONE]' });
    expect(events(anthropic!.text).at(-1)?.event).toBe('message_stop');
    expect(JSON.parse((await call(`${url}/mock/paused`)).text)).toEqual({ paused: 0 });
  });

  it('lets a held stream go when its client leaves', async () => {
    const url = await startMock();
    const controller = new AbortController();
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ ...CHAT, stream: true }),
      headers: { 'x-mock-pause-after-tokens': '0' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    await expect.poll(async () => JSON.parse((await call(`${url}/mock/paused`)).text)).toEqual({ paused: 1 });
    controller.abort();
    await expect.poll(async () => JSON.parse((await call(`${url}/mock/paused`)).text)).toEqual({ paused: 0 });
  });
});
