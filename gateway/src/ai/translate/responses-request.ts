// OpenAI's Responses API (POST /responses) as the gateway serves it: the request becomes a chat request (so
// every provider type, limit and fallback applies unchanged) and the chat answer becomes a `response` object.
// Stateless: nothing is stored, so `previous_response_id` and friends are refused by name.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChatMessage, ChatRequest, Usage } from './chat-request.js';
import { answerOf } from './chat-sse.js';
import { TranslationError } from './openai-anthropic.js';

/** Fields that need state or hosted tools the gateway does not have. */
const STATEFUL = ['previous_response_id', 'conversation', 'background', 'prompt'] as const;

const part = z.looseObject({ type: z.string() });
const item = z.looseObject({
  type: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']).optional(),
  content: z.union([z.string(), z.array(part)]).optional(),
});

export const responsesRequest = z.looseObject({
  model: z.string().min(1).max(200),
  input: z.union([z.string(), z.array(item).min(1)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  user: z.string().nullish(),
  tools: z.array(part).nullish(),
  tool_choice: z.unknown().optional(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: part.optional() }).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequest>;

type Part = z.infer<typeof part>;

function partsOf(content: string | Part[], at: string): ChatMessage['content'] {
  if (typeof content === 'string') return content;
  return content.map((p, i) => {
    if ((p.type === 'input_text' || p.type === 'output_text') && typeof p.text === 'string')
      return { type: 'text', text: p.text };
    if (p.type === 'input_image' && typeof p.image_url === 'string')
      return {
        type: 'image_url',
        image_url: { url: p.image_url, ...(p.detail ? { detail: p.detail } : {}) },
      };
    throw new TranslationError(
      `${at}.content.${i}: parts of type ${p.type} are not supported by this gateway`,
    );
  });
}

function messagesOf(req: ResponsesRequest): ChatMessage[] {
  const out: ChatMessage[] = req.instructions ? [{ role: 'system', content: req.instructions }] : [];
  if (typeof req.input === 'string') return [...out, { role: 'user', content: req.input }];
  req.input.forEach((it, i) => {
    const at = `input.${i}`;
    if (it.type === 'function_call') {
      const call = { id: it.call_id, type: 'function', function: { name: it.name, arguments: it.arguments } };
      const last = out.at(-1);
      // Calls of one turn go on one assistant message, as chat has them.
      if (last?.role === 'assistant' && Array.isArray(last.tool_calls)) last.tool_calls.push(call);
      else out.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (it.type === 'function_call_output') {
      const output = typeof it.output === 'string' ? it.output : JSON.stringify(it.output);
      out.push({ role: 'tool', tool_call_id: it.call_id, content: output });
    } else if ((it.type === undefined || it.type === 'message') && it.role && it.content !== undefined) {
      out.push({ role: it.role, content: partsOf(it.content, at) });
    } else
      throw new TranslationError(
        `${at}: items of type ${it.type ?? 'unknown'} are not supported by this gateway`,
      );
  });
  return out;
}

function toolsOf(req: ResponsesRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (req.tools?.length)
    out.tools = req.tools.map((t, i) => {
      if (t.type !== 'function')
        throw new TranslationError(
          `tools.${i}.type: ${t.type} tools are not supported by this gateway (function only)`,
        );
      const { type: _t, ...fn } = t;
      return { type: 'function', function: fn };
    });
  const choice = req.tool_choice as string | { type?: string; name?: string } | undefined | null;
  if (typeof choice === 'string') out.tool_choice = choice;
  else if (choice?.type === 'function')
    out.tool_choice = { type: 'function', function: { name: choice.name } };
  else if (choice != null) throw new TranslationError('tool_choice: only auto, none, required or a function');
  if (req.parallel_tool_calls != null) out.parallel_tool_calls = req.parallel_tool_calls;
  return out;
}

function responseFormatOf(format: Part | undefined): Record<string, unknown> {
  if (!format || format.type === 'text') return {};
  if (format.type === 'json_object') return { response_format: { type: 'json_object' } };
  if (format.type === 'json_schema') {
    const { type: _t, ...schema } = format;
    return { response_format: { type: 'json_schema', json_schema: schema } };
  }
  throw new TranslationError(`text.format.type: ${format.type} is not supported`);
}

/** The chat request a Responses request stands for; TranslationError names what cannot be served. */
export function chatOfResponses(req: ResponsesRequest): ChatRequest {
  for (const field of STATEFUL)
    if (req[field] != null && req[field] !== false)
      throw new TranslationError(
        `${field}: not supported, the gateway keeps no responses (send the whole input)`,
      );
  return {
    model: req.model,
    messages: messagesOf(req),
    ...(req.stream ? { stream: true } : {}),
    ...(req.max_output_tokens != null ? { max_tokens: req.max_output_tokens } : {}),
    ...(req.temperature != null ? { temperature: req.temperature } : {}),
    ...(req.top_p != null ? { top_p: req.top_p } : {}),
    ...(req.user != null ? { user: req.user } : {}),
    ...(req.reasoning?.effort ? { reasoning_effort: req.reasoning.effort } : {}),
    ...toolsOf(req),
    ...responseFormatOf(req.text?.format),
  };
}

export const newId = (prefix: string) => `${prefix}_${randomUUID().replaceAll('-', '')}`;

export function responsesUsage(u: Usage) {
  return {
    input_tokens: u.promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: u.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.promptTokens + u.completionTokens,
  };
}

/** The `response` object around some output, as of its state (in_progress while streaming). */
export function responseObject(
  r: { id: string; createdAt: number; req: ResponsesRequest; model: string },
  state: { status: 'in_progress' | 'completed' | 'incomplete'; output: unknown[]; usage: Usage | null },
): Record<string, unknown> {
  return {
    id: r.id,
    object: 'response',
    created_at: r.createdAt,
    status: state.status,
    error: null,
    incomplete_details: state.status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: r.req.instructions ?? null,
    max_output_tokens: r.req.max_output_tokens ?? null,
    model: r.model,
    output: state.output,
    parallel_tool_calls: r.req.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: null,
    store: false,
    temperature: r.req.temperature ?? null,
    text: { format: r.req.text?.format ?? { type: 'text' } },
    tool_choice: r.req.tool_choice ?? 'auto',
    tools: r.req.tools ?? [],
    top_p: r.req.top_p ?? null,
    truncation: 'disabled',
    usage: state.usage ? responsesUsage(state.usage) : null,
    user: r.req.user ?? null,
    metadata: {},
  };
}

export const messageItem = (id: string, text: string, status: 'in_progress' | 'completed') => ({
  type: 'message',
  id,
  status,
  role: 'assistant',
  content: status === 'completed' ? [textPart(text)] : [],
});

export const textPart = (text: string) => ({ type: 'output_text', text, annotations: [] });

export const functionCallItem = (
  id: string,
  call: { id: string; name: string; arguments: string },
  status: 'in_progress' | 'completed',
) => ({ type: 'function_call', id, call_id: call.id, name: call.name, arguments: call.arguments, status });

/** A whole chat completion as a completed (or, cut by max tokens, incomplete) response. */
export function responseOfChat(
  completion: Record<string, unknown>,
  usage: Usage,
  r: { req: ResponsesRequest; model: string },
): Record<string, unknown> {
  const { text, calls, finish } = answerOf(completion);
  const output: unknown[] = [];
  if (text !== '' || calls.length === 0) output.push(messageItem(newId('msg'), text, 'completed'));
  for (const c of calls) output.push(functionCallItem(newId('fc'), { id: c.id, ...c.function }, 'completed'));
  const status = finish === 'length' ? 'incomplete' : 'completed';
  return responseObject(
    { id: newId('resp'), createdAt: Math.floor(Date.now() / 1000), ...r },
    { status, output, usage },
  );
}
