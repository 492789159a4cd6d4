import { afterEach, describe, expect, it } from 'vitest';
import { call, events, startMock, stopAll } from './test-support.js';

afterEach(stopAll);

const HEADERS = { 'anthropic-version': '2023-06-01' };
const REQUEST = {
  model: 'claude-ish',
  max_tokens: 100,
  system: 'Be brief.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hello big world' }] }],
};

describe('POST /v1/messages', () => {
  it('answers a whole message', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/messages`, { body: REQUEST, headers: HEADERS });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.text)).toEqual({
      id: 'msg_mock_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-ish',
      content: [{ type: 'text', text: 'echo: hello big world' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 4 },
    });
  });

  it('streams the Messages events, one text_delta per token', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/messages`, { body: { ...REQUEST, stream: true }, headers: HEADERS });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const delta = (text: string) => ({
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    });
    expect(events(answer.text)).toEqual([
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            id: 'msg_mock_1',
            type: 'message',
            role: 'assistant',
            model: 'claude-ish',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 5, output_tokens: 0 },
          },
        },
      },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      },
      { event: 'ping', data: { type: 'ping' } },
      delta('echo: '),
      delta('hello '),
      delta('big '),
      delta('world'),
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: 4 },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ]);
    expect(answer.text.startsWith('event: message_start\ndata: {"type":"message_start",')).toBe(true);
    expect(answer.text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
  });

  it('stops at max_tokens', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/messages`, {
      body: { ...REQUEST, max_tokens: 1 },
      headers: HEADERS,
    });
    const body = JSON.parse(answer.text);
    expect([body.content, body.stop_reason, body.usage]).toEqual([
      [{ type: 'text', text: 'echo: ' }],
      'max_tokens',
      { input_tokens: 5, output_tokens: 1 },
    ]);
  });

  it.each([
    [
      { ...REQUEST, max_tokens: undefined },
      HEADERS,
      'max_tokens: Invalid input: expected number, received undefined',
    ],
    [
      { ...REQUEST, messages: [{ role: 'system', content: 'x' }] },
      HEADERS,
      'messages.0.role: Invalid option: expected one of "user"|"assistant"',
    ],
    [REQUEST, {}, 'anthropic-version: header is required'],
  ])('rejects a bad request in Anthropic error shape (%#)', async (body, headers, message) => {
    const url = await startMock();
    const answer = await call(`${url}/v1/messages`, { body, headers });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message },
    });
  });
});

describe('other Anthropic routes', () => {
  it('lists the models in Anthropic shape when anthropic-version is sent', async () => {
    const url = await startMock({ models: ['a', 'b'] });
    const answer = await call(`${url}/v1/models`, { headers: HEADERS });
    expect(JSON.parse(answer.text)).toEqual({
      data: [
        { type: 'model', id: 'a', display_name: 'a', created_at: '2023-11-14T22:13:20Z' },
        { type: 'model', id: 'b', display_name: 'b', created_at: '2023-11-14T22:13:20Z' },
      ],
      has_more: false,
      first_id: 'a',
      last_id: 'b',
    });
  });

  it('answers an unknown path in Anthropic shape when anthropic-version is sent', async () => {
    const url = await startMock();
    const answer = await call(`${url}/v1/complete`, { body: {}, headers: HEADERS });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'Invalid URL (POST /v1/complete)' },
    });
  });
});
