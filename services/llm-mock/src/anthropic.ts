// The Anthropic Messages wire format: request schema, response body and stream events.
import { z } from 'zod';
import type { SseEvent, StreamPlan } from './http-io.js';
import type { Completion } from './model.js';

// Unknown fields are accepted and ignored (looseObject): the wire format grows, as the provider's does.
const block = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([z.string(), z.array(block)]);

export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.int().min(1),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content })).min(1),
  system: content.optional(),
  stream: z.boolean().optional(),
});
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

export interface Meta {
  id: string;
  model: string;
}

const stopReason = (completion: Completion) => (completion.truncated ? 'max_tokens' : 'end_turn');

export function message(meta: Meta, completion: Completion) {
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: [{ type: 'text', text: completion.text }],
    stop_reason: stopReason(completion),
    stop_sequence: null,
    usage: { input_tokens: completion.promptTokens, output_tokens: completion.completionTokens },
  };
}

const event = (type: string, fields: object = {}): SseEvent => ({
  event: type,
  data: JSON.stringify({ type, ...fields }),
});

/** Events in the order Anthropic sends them, a `ping` included, one `text_delta` per token. */
export function messageStream(meta: Meta, completion: Completion): StreamPlan {
  return {
    opening: [
      event('message_start', {
        message: {
          id: meta.id,
          type: 'message',
          role: 'assistant',
          model: meta.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: completion.promptTokens, output_tokens: 0 },
        },
      }),
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
      event('ping'),
    ],
    deltas: completion.deltas.map((text) =>
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    ),
    closing: [
      event('content_block_stop', { index: 0 }),
      event('message_delta', {
        delta: { stop_reason: stopReason(completion), stop_sequence: null },
        usage: { output_tokens: completion.completionTokens },
      }),
      event('message_stop'),
    ],
  };
}

export function modelList(models: readonly string[]) {
  return {
    data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2023-11-14T22:13:20Z' })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models.at(-1) ?? null,
  };
}
