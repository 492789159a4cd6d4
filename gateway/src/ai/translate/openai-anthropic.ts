// Translation between the OpenAI chat format (what clients speak) and Anthropic Messages (what a provider of
// type `anthropic` speaks), for whole requests and responses. Streams are in stream.ts.
import {
  anthropicTools,
  type ToolResultBlock,
  ToolTranslationError,
  type ToolUseBlock,
  toolCallsOf,
  toolResultBlock,
  toolUseBlocks,
} from './anthropic-tools.js';
import { type ChatMessage, type ChatRequest, openAiUsage, type Usage } from './chat-request.js';

/** Anthropic requires max_tokens; OpenAI does not. Used when the client gives none. */
export const DEFAULT_MAX_TOKENS = 4096;
export const ANTHROPIC_VERSION = '2023-06-01';

/** OpenAI features with no faithful Anthropic equivalent here: refused by name rather than silently dropped. */
const UNSUPPORTED = ['functions', 'function_call', 'response_format', 'logprobs', 'audio'] as const;

export class TranslationError extends Error {
  override name = 'TranslationError';
}

type AnthropicBlock =
  | ToolUseBlock
  | ToolResultBlock
  | { type: 'text'; text: string }
  | {
      type: 'image';
      source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
    };

function textOf(content: ChatMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n');
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function blocksOf(content: ChatMessage['content'], at: string): string | AnthropicBlock[] {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p, i): AnthropicBlock => {
    if (p.type === 'text' && typeof p.text === 'string') return { type: 'text', text: p.text };
    if (p.type === 'image_url') {
      const url = (p.image_url as { url?: unknown } | undefined)?.url;
      if (typeof url === 'string') {
        const data = DATA_URL.exec(url);
        return data
          ? { type: 'image', source: { type: 'base64', media_type: data[1]!, data: data[2]! } }
          : { type: 'image', source: { type: 'url', url } };
      }
    }
    throw new TranslationError(
      `${at}.content.${i}: parts of type ${p.type} are not supported by this model's provider (anthropic)`,
    );
  });
}

export function toAnthropicRequest(
  req: ChatRequest,
  upstreamModel: string,
  stream: boolean,
): Record<string, unknown> {
  for (const field of UNSUPPORTED) {
    if (req[field] != null)
      throw new TranslationError(`${field}: not supported by this model's provider (anthropic)`);
  }
  if (req.n != null && req.n !== 1)
    throw new TranslationError("n: only 1 is supported by this model's provider (anthropic)");
  const system: string[] = [];
  const messages: { role: 'user' | 'assistant'; content: string | AnthropicBlock[] }[] = [];
  let tools: Record<string, unknown>;
  try {
    tools = anthropicTools(req);
    req.messages.forEach((m, i) => {
      const at = `messages.${i}`;
      if (m.role === 'system' || m.role === 'developer') system.push(textOf(m.content));
      else if (m.role === 'user') messages.push({ role: 'user', content: blocksOf(m.content, at) });
      else if (m.role === 'assistant') messages.push({ role: 'assistant', content: assistantContent(m, at) });
      else if (m.role === 'tool') {
        // Anthropic wants every result of one assistant turn in the single user turn that follows it.
        const block = toolResultBlock(m, textOf(m.content), at);
        const last = messages.at(-1);
        if (
          last?.role === 'user' &&
          Array.isArray(last.content) &&
          last.content.every((b) => b.type === 'tool_result')
        )
          last.content.push(block);
        else messages.push({ role: 'user', content: [block] });
      } else
        throw new TranslationError(
          `${at}.role: ${m.role} messages are not supported by this model's provider (anthropic)`,
        );
    });
  } catch (err) {
    if (err instanceof ToolTranslationError) throw new TranslationError(err.message);
    throw err;
  }
  if (messages.length === 0)
    throw new TranslationError('messages: at least one user or assistant message is required');
  const out: Record<string, unknown> = {
    model: upstreamModel,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length > 0) out.system = system.join('\n\n');
  if (req.temperature != null) out.temperature = Math.min(req.temperature, 1); // Anthropic's range is 0..1
  if (req.top_p != null) out.top_p = req.top_p;
  if (req.stop != null) out.stop_sequences = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (req.user != null) out.metadata = { user_id: req.user };
  if (stream) out.stream = true;
  return Object.assign(out, tools);
}

/** An assistant turn: its text (if any) then its tool calls as `tool_use` blocks. */
function assistantContent(m: ChatMessage, at: string): string | AnthropicBlock[] {
  const calls = toolUseBlocks(m, at);
  if (calls.length === 0) return blocksOf(m.content, at);
  const text = textOf(m.content);
  return [...(text ? [{ type: 'text' as const, text }] : []), ...calls];
}

/** OpenAI's request for an OpenAI-type provider: as sent, with the upstream model name, and usage asked for when streaming. */
export function toOpenAiRequest(
  req: ChatRequest,
  upstreamModel: string,
  stream: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...req, model: upstreamModel };
  if (stream) {
    out.stream = true;
    // The gateway counts tokens from the usage chunk, so it always asks for it; the client sees it only if it asked.
    out.stream_options = { ...(req.stream_options ?? {}), include_usage: true };
  } else {
    delete out.stream;
    delete out.stream_options;
  }
  return out;
}

const FINISH: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function finishReasonOf(stopReason: unknown): string {
  return (typeof stopReason === 'string' && FINISH[stopReason]) || 'stop';
}

interface AnthropicMessage {
  id?: string;
  content?: { type: string; text?: string; id?: string; name?: string; input?: unknown }[];
  stop_reason?: string | null;
  usage?: AnthropicUsage;
}

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** Anthropic reports cached prompt tokens apart from input_tokens; all of them are prompt tokens here. */
export function promptTokensOfAnthropic(u: AnthropicUsage): number {
  return (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
}

export function usageOfAnthropic(u: AnthropicUsage | undefined): Usage | null {
  if (!u || typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return null;
  return { promptTokens: promptTokensOfAnthropic(u), completionTokens: u.output_tokens };
}

export function usageOfOpenAi(u: unknown): Usage | null {
  const v = u as { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined;
  if (!v || typeof v.prompt_tokens !== 'number' || typeof v.completion_tokens !== 'number') return null;
  return { promptTokens: v.prompt_tokens, completionTokens: v.completion_tokens };
}

export function fromAnthropicResponse(body: AnthropicMessage, publicModel: string, created: number) {
  const text = (body.content ?? [])
    .filter((b) => b.type === 'text')
    .map((b) => b.text ?? '')
    .join('');
  return chatCompletionOf({
    id: body.id ?? 'chatcmpl-gateway',
    created,
    publicModel,
    text,
    toolCalls: toolCallsOf(body.content ?? []),
    finish: finishReasonOf(body.stop_reason),
    usage: usageOfAnthropic(body.usage),
  });
}

type ToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };

/** A whole answer in OpenAI's chat.completion shape, with the usage and text the gateway counts. */
export function chatCompletionOf(a: {
  id: string;
  created: number;
  publicModel: string;
  text: string;
  toolCalls: ToolCall[];
  finish: string;
  usage: Usage | null;
}) {
  const { text, toolCalls, usage } = a;
  // OpenAI's shape: content null when the answer is only tool calls, tool_calls absent when there are none.
  const message =
    toolCalls.length > 0
      ? { role: 'assistant', content: text || null, refusal: null, tool_calls: toolCalls }
      : { role: 'assistant', content: text, refusal: null };
  return {
    completion: {
      id: a.id,
      object: 'chat.completion',
      created: a.created,
      model: a.publicModel,
      choices: [{ index: 0, message, logprobs: null, finish_reason: a.finish }],
      ...(usage ? { usage: openAiUsage(usage) } : {}),
    },
    usage,
    text,
  };
}

export function fromOpenAiResponse(body: Record<string, unknown>, publicModel: string) {
  const choices = body.choices as { message?: { content?: unknown } }[] | undefined;
  const content = choices?.[0]?.message?.content;
  return {
    completion: { ...body, model: publicModel },
    usage: usageOfOpenAi(body.usage),
    text: typeof content === 'string' ? content : '',
  };
}

/** A rough count for when a provider reports no usage (a stream cut short): about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function promptText(req: Pick<ChatRequest, 'messages'>): string {
  return req.messages.map((m) => textOf(m.content)).join('\n');
}
