import { describe, expect, it } from 'vitest';
import { chatRequest } from './chat-request.js';
import {
  fromAnthropicResponse,
  TranslationError,
  toAnthropicRequest,
  toOpenAiRequest,
} from './openai-anthropic.js';
import { anthropicStream, openAiStream, StreamErrorEvent } from './stream.js';

const parse = (body: unknown) => chatRequest.parse(body);

describe('OpenAI → Anthropic request', () => {
  it('moves system and developer messages to `system`, maps limits, sampling and stop', () => {
    const req = parse({
      model: 'public',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'No emojis.' }] },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
      ],
      max_tokens: 50,
      temperature: 1.5,
      top_p: 0.9,
      stop: 'END',
      user: 'u-1',
    });
    expect(toAnthropicRequest(req, 'claude-x', true)).toEqual({
      model: 'claude-x',
      max_tokens: 50,
      system: 'Be brief.\n\nNo emojis.',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          ],
        },
      ],
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      stream: true,
    });
  });

  it('prefers max_completion_tokens and defaults max_tokens, which Anthropic requires', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
    expect(
      toAnthropicRequest(parse({ ...base, max_tokens: 9, max_completion_tokens: 7 }), 'c', false).max_tokens,
    ).toBe(7);
    expect(toAnthropicRequest(parse(base), 'c', false).max_tokens).toBe(4096);
  });

  it('refuses what it cannot translate faithfully, naming it', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
    const refuse = (body: unknown) => () => toAnthropicRequest(parse(body), 'c', false);
    expect(refuse({ ...base, response_format: { type: 'json_object' } })).toThrow(
      new TranslationError("response_format: not supported by this model's provider (anthropic)"),
    );
    expect(refuse({ ...base, functions: [] })).toThrow(
      "functions: not supported by this model's provider (anthropic)",
    );
    expect(refuse({ ...base, n: 2 })).toThrow("n: only 1 is supported by this model's provider (anthropic)");
    expect(refuse({ model: 'm', messages: [{ role: 'function', content: 'r' }] })).toThrow(
      "messages.0.role: function messages are not supported by this model's provider (anthropic)",
    );
    expect(refuse({ model: 'm', messages: [{ role: 'tool', content: 'r' }] })).toThrow(
      'messages.0.tool_call_id: is required',
    );
    expect(
      refuse({
        model: 'm',
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }],
          },
        ],
      }),
    ).toThrow('messages.0.tool_calls.0.function.arguments: is not valid JSON');
    expect(refuse({ ...base, tools: [{ type: 'web_search' }] })).toThrow(
      'tools.0: only tools of type function with a name are supported',
    );
    expect(refuse({ model: 'm', messages: [{ role: 'system', content: 's' }] })).toThrow(
      'messages: at least one user or assistant message is required',
    );
    expect(refuse({ model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio' }] }] })).toThrow(
      "messages.0.content.0: parts of type input_audio are not supported by this model's provider (anthropic)",
    );
  });
});

describe('tool calling through Anthropic', () => {
  const weather = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

  it('translates tools, tool_choice, assistant tool calls and tool results (grouped in one user turn)', () => {
    const req = parse({
      model: 'm',
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'weather', description: 'Current weather', parameters: weather },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
    });
    expect(toAnthropicRequest(req, 'c', false)).toEqual({
      model: 'c',
      max_tokens: 4096,
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'call_2', name: 'weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
            { type: 'tool_result', tool_use_id: 'call_2', content: '24C' },
          ],
        },
      ],
      tools: [{ name: 'weather', description: 'Current weather', input_schema: weather }],
      tool_choice: { type: 'tool', name: 'weather', disable_parallel_tool_use: true },
    });
    const choice = (tool_choice: unknown) =>
      toAnthropicRequest(
        parse({ model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice }),
        'c',
        false,
      ).tool_choice;
    expect([choice('auto'), choice('none'), choice('required')]).toEqual([
      { type: 'auto' },
      { type: 'none' },
      { type: 'any' },
    ]);
  });

  it('returns tool_use blocks as tool_calls, with content null when there is no text', () => {
    const out = fromAnthropicResponse(
      {
        id: 'msg_t',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }],
        stop_reason: 'tool_use',
        usage: { input_tokens: 20, output_tokens: 9 },
      },
      'pub',
      1,
    );
    expect(out.completion.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('streams a tool call as OpenAI tool_calls deltas', () => {
    const t = anthropicStream({ publicModel: 'pub', includeUsage: false, created: 5 });
    const out = [
      ev('message_start', { type: 'message_start', message: { id: 'msg_s', usage: { input_tokens: 20 } } }),
      ev('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      ev('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Checking.' },
      }),
      ev('content_block_start', {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_9', name: 'weather', input: {} },
      }),
      ev('content_block_delta', {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"city":' },
      }),
      ev('content_block_delta', {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '"Paris"}' },
      }),
      ev('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use' },
        usage: { output_tokens: 12 },
      }),
    ].map((e) => t.onEvent(e));
    const deltas = out.filter(Boolean).map((line) => JSON.parse(line.slice('data: '.length)).choices[0]);
    expect(deltas.map((c: { delta: unknown; finish_reason: unknown }) => [c.delta, c.finish_reason])).toEqual(
      [
        [{ role: 'assistant', content: '' }, null],
        [{ content: 'Checking.' }, null],
        [
          {
            tool_calls: [
              { index: 0, id: 'toolu_9', type: 'function', function: { name: 'weather', arguments: '' } },
            ],
          },
          null,
        ],
        [{ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, null],
        [{ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }, null],
        [{}, 'tool_calls'],
      ],
    );
  });
});

describe('OpenAI request for an OpenAI-type provider', () => {
  it('swaps the model, keeps unknown fields, and always asks for stream usage', () => {
    const req = parse({ model: 'public', messages: [{ role: 'user', content: 'x' }], seed: 4, stream: true });
    expect(toOpenAiRequest(req, 'gpt-up', true)).toEqual({
      model: 'gpt-up',
      messages: [{ role: 'user', content: 'x' }],
      seed: 4,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(toOpenAiRequest(req, 'gpt-up', false)).toEqual({
      model: 'gpt-up',
      messages: [{ role: 'user', content: 'x' }],
      seed: 4,
    });
  });
});

describe('Anthropic → OpenAI response', () => {
  it('joins text blocks, maps the stop reason and counts cached prompt tokens as prompt tokens', () => {
    const out = fromAnthropicResponse(
      {
        id: 'msg_1',
        content: [{ type: 'text', text: 'a' }, { type: 'thinking' }, { type: 'text', text: 'b' }],
        stop_reason: 'max_tokens',
        usage: { input_tokens: 3, cache_read_input_tokens: 10, output_tokens: 2 },
      },
      'public',
      1700,
    );
    expect(out.completion).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1700,
      model: 'public',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'ab', refusal: null },
          logprobs: null,
          finish_reason: 'length',
        },
      ],
      usage: { prompt_tokens: 13, completion_tokens: 2, total_tokens: 15 },
    });
    expect(out.usage).toEqual({ promptTokens: 13, completionTokens: 2 });
  });
});

const ev = (event: string | undefined, data: unknown) => ({
  event,
  data: typeof data === 'string' ? data : JSON.stringify(data),
});

describe('stream translation', () => {
  it('turns Anthropic events into OpenAI chunks, one by one, with usage from message_start and message_delta', () => {
    const t = anthropicStream({ publicModel: 'pub', includeUsage: true, created: 5 });
    const chunks = [
      ev('message_start', {
        type: 'message_start',
        message: { id: 'msg_9', usage: { input_tokens: 4, output_tokens: 0 } },
      }),
      ev('content_block_start', { type: 'content_block_start' }),
      ev('ping', { type: 'ping' }),
      ev('content_block_delta', { type: 'content_block_delta', delta: { type: 'text_delta', text: 'hi ' } }),
      ev('content_block_delta', {
        type: 'content_block_delta',
        delta: { type: 'text_delta', text: 'there' },
      }),
      ev('content_block_stop', { type: 'content_block_stop' }),
      ev('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn' },
        usage: { output_tokens: 2 },
      }),
    ].map((e) => t.onEvent(e));
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'msg_9', object: 'chat.completion.chunk', created: 5, model: 'pub', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null })}\n\n`;
    expect(chunks).toEqual([
      chunk({ role: 'assistant', content: '' }),
      '',
      '',
      chunk({ content: 'hi ' }),
      chunk({ content: 'there' }),
      '',
      chunk({}, 'stop'),
    ]);
    expect([t.finished, t.usage, t.reportedPromptTokens, t.deltas]).toEqual([false, null, 4, 2]);
    const last = t.onEvent(ev('message_stop', { type: 'message_stop' }));
    expect(last).toBe(
      `data: ${JSON.stringify({ id: 'msg_9', object: 'chat.completion.chunk', created: 5, model: 'pub', choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } })}\n\ndata: [DONE]\n\n`,
    );
    expect([t.finished, t.usage]).toEqual([true, { promptTokens: 4, completionTokens: 2 }]);
  });

  it('raises an Anthropic error event as a stream error', () => {
    const t = anthropicStream({ publicModel: 'pub', includeUsage: false, created: 5 });
    expect(() =>
      t.onEvent(ev('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })),
    ).toThrow(new StreamErrorEvent('Overloaded'));
  });

  it('passes OpenAI chunks on with the public model, hiding the usage the client did not ask for', () => {
    const t = openAiStream({ publicModel: 'pub', includeUsage: false, created: 5 });
    const delta = { id: 'c1', model: 'up', choices: [{ index: 0, delta: { content: 'x' } }], usage: null };
    expect(t.onEvent(ev(undefined, delta))).toBe(
      `data: ${JSON.stringify({ id: 'c1', model: 'pub', choices: [{ index: 0, delta: { content: 'x' } }] })}\n\n`,
    );
    expect(
      t.onEvent(
        ev(undefined, {
          id: 'c1',
          model: 'up',
          choices: [],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        }),
      ),
    ).toBe('');
    expect(t.onEvent(ev(undefined, '[DONE]'))).toBe('data: [DONE]\n\n');
    expect([t.finished, t.usage, t.deltas]).toEqual([true, { promptTokens: 1, completionTokens: 1 }, 1]);
    expect(() =>
      openAiStream({ publicModel: 'p', includeUsage: true, created: 1 }).onEvent(
        ev(undefined, { error: { message: 'boom' } }),
      ),
    ).toThrow('boom');
    expect(() =>
      openAiStream({ publicModel: 'p', includeUsage: true, created: 1 }).onEvent(ev(undefined, 'not json')),
    ).toThrow(StreamErrorEvent);
  });

  it('passes plain chunks on as text, as the parsing path would, whatever the JSON spacing', () => {
    // The same chunks, compact and as Python's json.dumps writes them; contents that look like keys or errors.
    const chunks = [
      {
        id: 'c',
        model: 'up',
        choices: [{ index: 0, delta: { role: 'assistant', content: '' } }],
        usage: null,
      },
      {
        id: 'c',
        model: 'up',
        choices: [{ index: 0, delta: { content: 'he said "model": "x"' } }],
        usage: null,
      },
      { usage: null, id: 'c', model: 'up', choices: [{ index: 0, delta: { content: 'error' } }] },
      { id: 'c', model: 'up', choices: [{ index: 0, delta: { content: '}' } }] },
      { id: 'c', model: 'up', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null },
    ];
    for (const includeUsage of [false, true]) {
      // A public name with characters that are special in a replacement string or in JSON.
      const ctx = { publicModel: 'pub "$&" $1', includeUsage, created: 1 };
      for (const text of [
        ...chunks.map((c) => JSON.stringify(c)),
        ...chunks.map((c) => JSON.stringify(c).replaceAll('":', '": ').replaceAll(',"', ', "')),
      ]) {
        const fast = openAiStream(ctx);
        const out = fast.onEvent(ev(undefined, text));
        const expected = JSON.parse(text);
        expected.model = ctx.publicModel;
        if (!includeUsage) delete expected.usage;
        expect(out.startsWith('data: ') && out.endsWith('\n\n')).toBe(true);
        expect(JSON.parse(out.slice('data: '.length))).toEqual(expected);
        const content = expected.choices[0].delta.content;
        expect(fast.deltas).toBe(typeof content === 'string' && content !== '' ? 1 : 0);
      }
    }
  });
});
