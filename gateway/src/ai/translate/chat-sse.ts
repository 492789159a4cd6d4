// Reading the gateway's own OpenAI chat SSE (what stream-relay writes) and writing named SSE events: the
// front doors (Responses, Anthropic Messages) re-emit a chat stream in their own event format.
import type { Usage } from './chat-request.js';

/** One event of a chat stream: a chunk, the end, or the error event the relay ends a failed stream with. */
export type ChatEvent =
  | { kind: 'chunk'; chunk: ChatChunk }
  | { kind: 'done' }
  | { kind: 'error'; message: string; code: string };

export interface ChatChunkToolCall {
  index: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

export interface ChatChunk {
  choices?: {
    delta?: { content?: string | null; tool_calls?: ChatChunkToolCall[] };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/** The events of a piece of chat SSE text. The relay hands over whole events only, one `data:` line each. */
export function chatEvents(sse: string): ChatEvent[] {
  const events: ChatEvent[] = [];
  for (const [, data] of sse.matchAll(/^data: (.*)$/gm)) {
    if (data === '[DONE]') {
      events.push({ kind: 'done' });
      continue;
    }
    const parsed = JSON.parse(data!) as ChatChunk & { error?: { message?: string; code?: string } };
    if (parsed.error)
      events.push({
        kind: 'error',
        message: parsed.error.message ?? 'upstream error',
        code: parsed.error.code ?? 'upstream_error',
      });
    else events.push({ kind: 'chunk', chunk: parsed });
  }
  return events;
}

/** An SSE event with a name, its data carrying the same name as `type` (both Anthropic's and OpenAI's Responses' way). */
export function namedEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Chat finish reasons → Anthropic stop reasons (the inverse of openai-anthropic.ts's map). */
export const STOP_REASON: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/** A chunk's usage (the usage chunk's), and its first choice's finish reason, text and tool-call deltas. */
export function readChunk(chunk: ChatChunk) {
  const u = chunk.usage;
  const usage: Usage | null =
    u?.prompt_tokens != null
      ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens ?? 0 }
      : null;
  const choice = chunk.choices?.[0];
  const text = choice?.delta?.content;
  return {
    usage,
    finish: choice?.finish_reason ?? null,
    text: typeof text === 'string' && text !== '' ? text : null,
    toolCalls: choice?.delta?.tool_calls ?? [],
  };
}

/** A whole chat completion's answer: its text, tool calls and finish reason. */
export function answerOf(completion: Record<string, unknown>) {
  const choice = (completion as ChatCompletionBody).choices?.[0];
  return {
    text: choice?.message?.content ?? '',
    calls: choice?.message?.tool_calls ?? [],
    finish: choice?.finish_reason ?? null,
  };
}

interface ChatCompletionBody {
  choices?: {
    message?: {
      content?: string | null;
      tool_calls?: { id: string; function: { name: string; arguments: string } }[];
    };
    finish_reason?: string | null;
  }[];
}
