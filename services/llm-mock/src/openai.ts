// The OpenAI chat-completions wire format: request schema, response body and stream chunks.
import { z } from 'zod';
import type { SseEvent, StreamPlan } from './http-io.js';
import type { Completion } from './model.js';

// Wire formats grow fields all the time; unknown ones are accepted and ignored (looseObject), as the provider does.
const part = z.looseObject({ type: z.string(), text: z.string().optional() });

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
        content: z.union([z.string(), z.array(part), z.null()]).optional(),
      }),
    )
    .min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.int().min(1).nullish(),
  max_completion_tokens: z.int().min(1).nullish(),
  n: z.literal(1, 'the mock answers n=1 only').nullish(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** The fields every completion object and chunk repeat. */
export interface Meta {
  id: string;
  created: number;
  model: string;
}

const FINGERPRINT = 'fp_mock';

function usage(completion: Completion) {
  return {
    prompt_tokens: completion.promptTokens,
    completion_tokens: completion.completionTokens,
    total_tokens: completion.promptTokens + completion.completionTokens,
  };
}

const finishReason = (completion: Completion) => (completion.truncated ? 'length' : 'stop');

export function chatCompletion(meta: Meta, completion: Completion) {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    system_fingerprint: FINGERPRINT,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: completion.text, refusal: null },
        logprobs: null,
        finish_reason: finishReason(completion),
      },
    ],
    usage: usage(completion),
  };
}

/**
 * Chunks as OpenAI streams them: a first chunk with the role, one per token, one with finish_reason,
 * then (with include_usage) a chunk with `choices: []` and the usage, which every other chunk has as null.
 */
export function chatStream(meta: Meta, completion: Completion, includeUsage: boolean): StreamPlan {
  const chunk = (choices: unknown[], usageField?: unknown): SseEvent => ({
    data: JSON.stringify({
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      system_fingerprint: FINGERPRINT,
      choices,
      ...(includeUsage ? { usage: usageField ?? null } : {}),
    }),
  });
  const choice = (delta: object, finish: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const closing = [chunk([choice({}, finishReason(completion))])];
  if (includeUsage) closing.push(chunk([], usage(completion)));
  closing.push({ data: '[DONE]' });
  return {
    opening: [chunk([choice({ role: 'assistant', content: '' })])],
    deltas: completion.deltas.map((content) => chunk([choice({ content })])),
    closing,
  };
}

export function modelList(models: readonly string[]) {
  return {
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'llm-mock' })),
  };
}
