// Anthropic's Messages format as a front door (POST /v1/messages): the request becomes a chat request, so it
// reaches any provider type with chat's limits and fallback, and the chat answer becomes a `message`.
import { z } from 'zod';
import type { ChatMessage, ChatRequest, Usage } from './chat-request.js';
import { answerOf, STOP_REASON } from './chat-sse.js';
import { TranslationError } from './openai-anthropic.js';
import { newId } from './responses-request.js';

/** Anthropic features with no chat equivalent: refused by name rather than silently dropped. */
const UNSUPPORTED = ['thinking', 'top_k', 'container', 'mcp_servers'] as const;

const block = z.looseObject({ type: z.string() });
const content = z.union([z.string(), z.array(block)]);

export const messagesRequest = z.looseObject({
  model: z.string().min(1).max(200),
  max_tokens: z.number().int().min(1),
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant']), content })).min(1),
  system: content.optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).max(4).optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  tools: z.array(z.looseObject({ name: z.string(), type: z.string().nullish() })).optional(),
  tool_choice: z.looseObject({ type: z.string(), name: z.string().optional() }).optional(),
});
export type MessagesRequest = z.infer<typeof messagesRequest>;
type Block = z.infer<typeof block>;

function textOf(c: string | Block[], at: string): string {
  if (typeof c === 'string') return c;
  return c
    .map((b, i) => {
      if (b.type === 'text' && typeof b.text === 'string') return b.text;
      throw new TranslationError(`${at}.${i}: blocks of type ${b.type} are not supported here (text only)`);
    })
    .join('\n');
}

function partOf(b: Block, at: string): { type: string; [k: string]: unknown } {
  if (b.type === 'text' && typeof b.text === 'string') return { type: 'text', text: b.text };
  const source = b.source as { type?: string; media_type?: string; data?: string; url?: string } | undefined;
  if (b.type === 'image' && source?.type === 'base64')
    return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  if (b.type === 'image' && source?.type === 'url')
    return { type: 'image_url', image_url: { url: source.url } };
  throw new TranslationError(`${at}: blocks of type ${b.type} are not supported by this gateway`);
}

/** One Anthropic turn as chat messages: tool results become `tool` messages ahead of the turn's own content. */
function turnOf(m: MessagesRequest['messages'][number], at: string): ChatMessage[] {
  if (typeof m.content === 'string') return [{ role: m.role, content: m.content }];
  const out: ChatMessage[] = [];
  const parts: { type: string; [k: string]: unknown }[] = [];
  const calls: unknown[] = [];
  m.content.forEach((b, i) => {
    const where = `${at}.content.${i}`;
    if (b.type === 'tool_result' && m.role === 'user') {
      const result = b.content as string | Block[] | undefined;
      out.push({
        role: 'tool',
        tool_call_id: b.tool_use_id,
        content: textOf(result ?? '', `${where}.content`),
      });
    } else if (b.type === 'tool_use' && m.role === 'assistant')
      calls.push({
        id: b.id,
        type: 'function',
        function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
      });
    else parts.push(partOf(b, where));
  });
  const onlyText = parts.every((p) => p.type === 'text');
  const body = onlyText ? parts.map((p) => p.text).join('') : parts;
  if (calls.length > 0)
    out.push({
      role: 'assistant',
      content: body === '' ? null : (body as ChatMessage['content']),
      tool_calls: calls,
    });
  else if (parts.length > 0) out.push({ role: m.role, content: body as ChatMessage['content'] });
  return out;
}

function toolsOf(req: MessagesRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (req.tools?.length)
    out.tools = req.tools.map((t, i) => {
      if (t.type != null && t.type !== 'custom')
        throw new TranslationError(
          `tools.${i}.type: ${t.type} (a server tool) is not supported by this gateway`,
        );
      const fn = { name: t.name, description: t.description, parameters: t.input_schema };
      return { type: 'function', function: fn };
    });
  const c = req.tool_choice;
  if (c) {
    const choice: Record<string, unknown> = { auto: 'auto', any: 'required', none: 'none' };
    if (c.type === 'tool') out.tool_choice = { type: 'function', function: { name: c.name } };
    else if (choice[c.type]) out.tool_choice = choice[c.type];
    else throw new TranslationError(`tool_choice.type: ${c.type} is not one of auto, any, none, tool`);
    if (c.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  }
  return out;
}

/** The chat request an Anthropic Messages request stands for. */
export function chatOfMessages(req: MessagesRequest): ChatRequest {
  for (const field of UNSUPPORTED)
    if (req[field] != null) throw new TranslationError(`${field}: not supported by this gateway`);
  const messages: ChatMessage[] = req.system
    ? [{ role: 'system', content: textOf(req.system, 'system') }]
    : [];
  for (const [i, m] of req.messages.entries()) messages.push(...turnOf(m, `messages.${i}`));
  return {
    model: req.model,
    messages,
    max_tokens: req.max_tokens,
    ...(req.stream ? { stream: true } : {}),
    ...(req.temperature != null ? { temperature: req.temperature } : {}),
    ...(req.top_p != null ? { top_p: req.top_p } : {}),
    ...(req.stop_sequences?.length ? { stop: req.stop_sequences } : {}),
    ...(req.metadata?.user_id ? { user: req.metadata.user_id } : {}),
    ...toolsOf(req),
  };
}

export const anthropicUsage = (u: Usage) => ({
  input_tokens: u.promptTokens,
  output_tokens: u.completionTokens,
});

export const stopReasonOf = (finish: string | null | undefined) =>
  STOP_REASON[finish ?? 'stop'] ?? 'end_turn';

function inputOf(args: string): unknown {
  try {
    return JSON.parse(args || '{}');
  } catch {
    return {}; // a model's malformed arguments: the block still names the tool
  }
}

/** A whole chat completion as an Anthropic `message`. */
export function messageOfChat(completion: Record<string, unknown>, usage: Usage, model: string) {
  const { text, calls, finish } = answerOf(completion);
  return {
    id: newId('msg'),
    type: 'message',
    role: 'assistant',
    model,
    content: [
      ...(text !== '' || calls.length === 0 ? [{ type: 'text', text }] : []),
      ...calls.map((c) => ({
        type: 'tool_use',
        id: c.id,
        name: c.function.name,
        input: inputOf(c.function.arguments),
      })),
    ],
    stop_reason: stopReasonOf(finish),
    stop_sequence: null,
    usage: anthropicUsage(usage),
  };
}
