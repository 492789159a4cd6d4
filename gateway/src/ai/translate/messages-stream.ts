// A chat stream re-emitted as Anthropic's Messages events: message_start, content blocks (text, tool_use)
// started, filled by deltas and stopped, then message_delta (stop reason and usage) and message_stop.

import type { Usage } from './chat-request.js';
import { type ChatChunk, chatEvents, namedEvent, readChunk } from './chat-sse.js';
import { anthropicUsage, stopReasonOf } from './messages-request.js';
import { newId } from './responses-request.js';

/** Anthropic's error types by HTTP status (its documented error shapes). */
export function anthropicErrorType(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    503: 'overloaded_error',
  };
  return types[status] ?? (status < 500 ? 'invalid_request_error' : 'api_error');
}

/** A stateful rewriter of chat SSE text into Anthropic Messages events, for one stream. */
export function messagesStream(model: string): (sse: string) => string {
  const id = newId('msg');
  let started = false;
  let blocks = 0;
  let open: { index: number; kind: 'text' | 'tool'; toolIndex?: number } | null = null;
  let finish: string | null = null;
  let usage: Usage | null = null;

  function startBlock(
    kind: 'text' | 'tool',
    contentBlock: Record<string, unknown>,
    toolIndex?: number,
  ): string {
    const out = stopBlock();
    open = { index: blocks++, kind, ...(toolIndex !== undefined ? { toolIndex } : {}) };
    return out + namedEvent('content_block_start', { index: open.index, content_block: contentBlock });
  }
  function stopBlock(): string {
    if (!open) return '';
    const out = namedEvent('content_block_stop', { index: open.index });
    open = null;
    return out;
  }
  const delta = (d: Record<string, unknown>) =>
    namedEvent('content_block_delta', { index: open!.index, delta: d });

  function onChunk(chunk: ChatChunk): string {
    let out = '';
    const { text, toolCalls, ...read } = readChunk(chunk);
    usage = read.usage ?? usage;
    finish = read.finish ?? finish;
    if (text !== null) {
      if (open?.kind !== 'text') out += startBlock('text', { type: 'text', text: '' });
      out += delta({ type: 'text_delta', text });
    }
    for (const tc of toolCalls) {
      if (open?.kind !== 'tool' || open.toolIndex !== tc.index)
        out += startBlock(
          'tool',
          { type: 'tool_use', id: tc.id ?? '', name: tc.function?.name ?? '', input: {} },
          tc.index,
        );
      const args = tc.function?.arguments ?? '';
      if (args !== '') out += delta({ type: 'input_json_delta', partial_json: args });
    }
    return out;
  }

  function onDone(): string {
    let out = blocks === 0 ? startBlock('text', { type: 'text', text: '' }) : '';
    out += stopBlock();
    const counted = usage ?? { promptTokens: 0, completionTokens: 0 };
    out += namedEvent('message_delta', {
      delta: { stop_reason: stopReasonOf(finish), stop_sequence: null },
      usage: anthropicUsage(counted),
    });
    return out + namedEvent('message_stop', {});
  }

  return (sse) => {
    let out = '';
    for (const e of chatEvents(sse)) {
      if (!started) {
        started = true;
        // The prompt's count is known only at the end: message_delta carries it (as Anthropic's newer API does).
        const message = {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
        };
        out += namedEvent('message_start', {
          message: { ...message, usage: { input_tokens: 0, output_tokens: 0 } },
        });
      }
      if (e.kind === 'chunk') out += onChunk(e.chunk);
      else if (e.kind === 'done') out += onDone();
      else out += namedEvent('error', { error: { type: 'api_error', message: e.message } });
    }
    return out;
  };
}
