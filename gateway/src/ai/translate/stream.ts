// Stream translation, event by event: provider SSE events in, OpenAI `chat.completion.chunk` events out.
// Nothing is buffered beyond one event; usage is taken from the provider's usage event when it sends one.
import type { EventSourceMessage } from 'eventsource-parser';
import { openAiUsage, type Usage } from './chat-request.js';
import {
  type AnthropicUsage,
  finishReasonOf,
  promptTokensOfAnthropic,
  usageOfOpenAi,
} from './openai-anthropic.js';

export const DONE = 'data: [DONE]\n\n';

/** The provider reported an error inside the stream (Anthropic's `error` event, an OpenAI `{error}` chunk). */
export class StreamErrorEvent extends Error {
  override name = 'StreamErrorEvent';
}

export interface StreamContext {
  publicModel: string;
  /** The client asked for `stream_options.include_usage`. */
  includeUsage: boolean;
  created: number;
}

export interface StreamTranslator {
  /** SSE text to send to the client for one provider event ('' for none). Throws StreamErrorEvent. */
  onEvent(event: EventSourceMessage): string;
  /** True once the provider's closing event has been seen. */
  readonly finished: boolean;
  /** What the provider reported, null when it reported nothing (yet). */
  readonly usage: Usage | null;
  /** Prompt tokens reported before the end (Anthropic's message_start), for a stream cut short. */
  readonly reportedPromptTokens: number | null;
  /** Text deltas passed on: about one token each, the fallback count when no usage arrives. */
  readonly deltas: number;
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

function parse(data: string): Record<string, unknown> {
  try {
    return JSON.parse(data) as Record<string, unknown>;
  } catch {
    throw new StreamErrorEvent('the provider sent an event that is not JSON');
  }
}

function messageOf(error: unknown): string {
  const m = (error as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : 'the provider reported an error mid-stream';
}

// The shape of nearly every chunk of an OpenAI stream: a delta with no usage object and no error. Such a chunk is
// passed on as text with its model renamed (and `"usage":null` dropped when the client did not ask for usage),
// not parsed and serialised again: JSON.parse + JSON.stringify were 10 % of the gateway's CPU relaying 200
// streams (docs/performance.md, "AI streaming"). Anything else takes the parsing path below.
const MODEL_FIELD = /"model"\s*:\s*"[^"\\]*"/;
const NULL_USAGE = /,\s*"usage"\s*:\s*null(?=\s*[,}])|"usage"\s*:\s*null\s*,/;
const CONTENT_DELTA = /"delta"\s*:\s*\{[^}]*?"content"\s*:\s*"[^"]/;
const NEEDS_PARSING = /"error"|"usage"\s*:\s*[^n\s]/;

/** The SSE text for a plain delta chunk, or null when the chunk must be parsed (errors, usage, odd shapes). */
function plainChunk(
  data: string,
  ctx: StreamContext,
  model: string,
): { text: string; delta: boolean } | null {
  if (data.charCodeAt(0) !== 123 /* { */ || NEEDS_PARSING.test(data) || !MODEL_FIELD.test(data)) return null;
  let text = data.replace(MODEL_FIELD, model);
  if (!ctx.includeUsage) text = text.replace(NULL_USAGE, '');
  return { text: `data: ${text}\n\n`, delta: CONTENT_DELTA.test(data) };
}

/** An OpenAI-type provider: chunks pass through with the public model name; the usage chunk only if asked for. */
export function openAiStream(ctx: StreamContext): StreamTranslator {
  const state = { finished: false, usage: null as Usage | null, reportedPromptTokens: null, deltas: 0 };
  // A replacement string: `$` would be special in it, so it is escaped.
  const model = `"model":${JSON.stringify(ctx.publicModel).replaceAll('$', '$$$$')}`;
  return Object.assign(state, {
    onEvent(event: EventSourceMessage): string {
      if (event.data === '[DONE]') {
        state.finished = true;
        return DONE;
      }
      const plain = plainChunk(event.data, ctx, model);
      if (plain) {
        if (plain.delta) state.deltas++;
        return plain.text;
      }
      const chunk = parse(event.data);
      if (chunk.error) throw new StreamErrorEvent(messageOf(chunk.error));
      const usage = usageOfOpenAi(chunk.usage);
      if (usage) state.usage = usage;
      const choices = chunk.choices as { delta?: { content?: unknown } }[] | undefined;
      if (typeof choices?.[0]?.delta?.content === 'string' && choices[0].delta.content !== '') state.deltas++;
      if (!ctx.includeUsage) {
        // We asked for usage on the client's behalf: its chunk and the `usage: null` fields are ours alone.
        if (usage && (!choices || choices.length === 0)) return '';
        delete chunk.usage;
      }
      chunk.model = ctx.publicModel;
      return sse(chunk);
    },
  });
}

/** An Anthropic-type provider: Messages stream events become OpenAI chunks. */
export function anthropicStream(ctx: StreamContext): StreamTranslator {
  let id = 'chatcmpl-gateway';
  // Anthropic numbers content blocks; OpenAI numbers tool calls: block index → tool call index.
  const toolIndex = new Map<number, number>();
  let prompt: number | null = null;
  let completion: number | null = null;
  const state = {
    finished: false,
    usage: null as Usage | null,
    reportedPromptTokens: null as number | null,
    deltas: 0,
  };
  const chunk = (delta: object, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created: ctx.created,
    model: ctx.publicModel,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(ctx.includeUsage ? { usage: null } : {}),
  });
  return Object.assign(state, {
    onEvent(event: EventSourceMessage): string {
      const data = parse(event.data);
      const type = event.event ?? data.type;
      switch (type) {
        case 'message_start': {
          const message = data.message as { id?: string; usage?: AnthropicUsage } | undefined;
          if (message?.id) id = message.id;
          if (typeof message?.usage?.input_tokens === 'number') {
            prompt = promptTokensOfAnthropic(message.usage);
            state.reportedPromptTokens = prompt;
          }
          return sse(chunk({ role: 'assistant', content: '' }));
        }
        case 'content_block_start': {
          const block = data.content_block as { type?: string; id?: string; name?: string } | undefined;
          if (block?.type !== 'tool_use') return '';
          const index = toolIndex.size;
          toolIndex.set(Number(data.index), index);
          return sse(
            chunk({
              tool_calls: [
                { index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } },
              ],
            }),
          );
        }
        case 'content_block_delta': {
          const delta = data.delta as { type?: string; text?: string; partial_json?: string } | undefined;
          if (delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
            const index = toolIndex.get(Number(data.index));
            if (index === undefined || delta.partial_json === '') return '';
            state.deltas++;
            return sse(chunk({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] }));
          }
          if (delta?.type !== 'text_delta' || typeof delta.text !== 'string') return '';
          state.deltas++;
          return sse(chunk({ content: delta.text }));
        }
        case 'message_delta': {
          // output_tokens here is cumulative for the message; input_tokens appears here too in newer API versions.
          const usage = data.usage as AnthropicUsage | undefined;
          if (typeof usage?.output_tokens === 'number') completion = usage.output_tokens;
          if (typeof usage?.input_tokens === 'number') prompt = promptTokensOfAnthropic(usage);
          const stop = (data.delta as { stop_reason?: unknown } | undefined)?.stop_reason;
          return sse(chunk({}, finishReasonOf(stop)));
        }
        case 'message_stop': {
          state.finished = true;
          if (prompt !== null && completion !== null)
            state.usage = { promptTokens: prompt, completionTokens: completion };
          const usage =
            ctx.includeUsage && state.usage
              ? sse({
                  id,
                  object: 'chat.completion.chunk',
                  created: ctx.created,
                  model: ctx.publicModel,
                  choices: [],
                  usage: openAiUsage(state.usage),
                })
              : '';
          return usage + DONE;
        }
        case 'error':
          throw new StreamErrorEvent(messageOf(data.error));
        default:
          // ping, content_block_stop, thinking blocks, and whatever Anthropic adds later: nothing for the client.
          return '';
      }
    },
  });
}

/** The error event the OpenAI client libraries understand: a data line with an `error` object, then the end. */
export function errorEvent(message: string, code: string): string {
  return sse({ error: { message, type: 'upstream_error', param: null, code } });
}
