// A chat stream re-emitted as the Responses API's typed events: response.created, output items and content
// parts opened and closed around response.output_text.delta / response.function_call_arguments.delta, then
// response.completed (or response.incomplete) carrying the usage. Event by event, nothing buffered.

import type { Usage } from './chat-request.js';
import { type ChatChunk, chatEvents, namedEvent, readChunk } from './chat-sse.js';
import {
  functionCallItem,
  messageItem,
  newId,
  type ResponsesRequest,
  responseObject,
  textPart,
} from './responses-request.js';

interface OpenItem {
  outputIndex: number;
  id: string;
  kind: 'message' | 'function_call';
  text: string;
  call: { id: string; name: string; arguments: string };
}

/** A stateful rewriter of chat SSE text into Responses events, for one stream. */
export function responsesStream(req: ResponsesRequest, model: string): (sse: string) => string {
  const r = { id: newId('resp'), createdAt: Math.floor(Date.now() / 1000), req, model };
  let seq = 0;
  let started = false;
  const output: unknown[] = [];
  let message: OpenItem | null = null;
  const calls = new Map<number, OpenItem>();
  let finish: string | null = null;
  let usage: Usage | null = null;

  const event = (type: string, data: Record<string, unknown>) =>
    namedEvent(type, { ...data, sequence_number: seq++ });
  const at = (it: OpenItem) => ({ item_id: it.id, output_index: it.outputIndex });

  function open(kind: OpenItem['kind'], call = { id: '', name: '', arguments: '' }): [OpenItem, string] {
    const it: OpenItem = {
      outputIndex: output.length,
      id: newId(kind === 'message' ? 'msg' : 'fc'),
      kind,
      text: '',
      call,
    };
    output.push(null); // its place, filled when the item is done
    const item =
      kind === 'message'
        ? messageItem(it.id, '', 'in_progress')
        : functionCallItem(it.id, call, 'in_progress');
    let out = event('response.output_item.added', { output_index: it.outputIndex, item });
    if (kind === 'message')
      out += event('response.content_part.added', { ...at(it), content_index: 0, part: textPart('') });
    return [it, out];
  }

  function close(it: OpenItem): string {
    let out: string;
    let item: unknown;
    if (it.kind === 'message') {
      const c = { ...at(it), content_index: 0 };
      out = event('response.output_text.done', { ...c, text: it.text, logprobs: [] });
      out += event('response.content_part.done', { ...c, part: textPart(it.text) });
      item = messageItem(it.id, it.text, 'completed');
    } else {
      out = event('response.function_call_arguments.done', { ...at(it), arguments: it.call.arguments });
      item = functionCallItem(it.id, it.call, 'completed');
    }
    output[it.outputIndex] = item;
    return out + event('response.output_item.done', { output_index: it.outputIndex, item });
  }

  function onChunk(chunk: ChatChunk): string {
    let out = '';
    const { text, toolCalls, ...read } = readChunk(chunk);
    usage = read.usage ?? usage;
    finish = read.finish ?? finish;
    if (text !== null) {
      if (!message) [message, out] = open('message');
      message.text += text;
      out += event('response.output_text.delta', {
        ...at(message),
        content_index: 0,
        delta: text,
        logprobs: [],
      });
    }
    for (const tc of toolCalls) {
      let it = calls.get(tc.index);
      if (!it) {
        let opened: string;
        [it, opened] = open('function_call', {
          id: tc.id ?? '',
          name: tc.function?.name ?? '',
          arguments: '',
        });
        calls.set(tc.index, it);
        out += opened;
      }
      const delta = tc.function?.arguments ?? '';
      if (delta === '') continue;
      it.call.arguments += delta;
      out += event('response.function_call_arguments.delta', { ...at(it), delta });
    }
    return out;
  }

  function onDone(): string {
    let out = '';
    if (!message && calls.size === 0) [message, out] = open('message');
    for (const it of [message, ...calls.values()].filter((x): x is OpenItem => x !== null)) out += close(it);
    const status = finish === 'length' ? 'incomplete' : 'completed';
    return out + event(`response.${status}`, { response: responseObject(r, { status, output, usage }) });
  }

  return (sse) => {
    let out = '';
    for (const e of chatEvents(sse)) {
      if (!started) {
        started = true;
        const response = responseObject(r, { status: 'in_progress', output: [], usage: null });
        out += event('response.created', { response }) + event('response.in_progress', { response });
      }
      if (e.kind === 'chunk') out += onChunk(e.chunk);
      else if (e.kind === 'done') out += onDone();
      // The OpenAI libraries raise an event whose data has an `error` member as an APIError.
      else
        out += event('error', {
          code: e.code,
          message: e.message,
          param: null,
          error: { message: e.message, type: 'upstream_error', param: null, code: e.code },
        });
    }
    return out;
  };
}
