// Tool (function) calling between the OpenAI and Anthropic formats: tool definitions and choice, assistant
// tool calls ⇄ `tool_use` blocks, `tool` messages → `tool_result` blocks.
import type { ChatMessage, ChatRequest } from './chat-request.js';

export class ToolTranslationError extends Error {
  override name = 'ToolTranslationError';
}

export type ToolUseBlock = { type: 'tool_use'; id: string; name: string; input: unknown };
export type ToolResultBlock = { type: 'tool_result'; tool_use_id: string; content: string };

interface OpenAiTool {
  type?: string;
  function?: { name?: unknown; description?: unknown; parameters?: unknown };
}

/** `tools` and `tool_choice` for Anthropic, or {} when the request has none. */
export function anthropicTools(req: ChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(req.tools) && req.tools.length > 0) {
    out.tools = (req.tools as OpenAiTool[]).map((t, i) => {
      if (t.type !== 'function' || typeof t.function?.name !== 'string')
        throw new ToolTranslationError(`tools.${i}: only tools of type function with a name are supported`);
      return {
        name: t.function.name,
        ...(typeof t.function.description === 'string' ? { description: t.function.description } : {}),
        input_schema: t.function.parameters ?? { type: 'object', properties: {} },
      };
    });
  }
  const choice = req.tool_choice as
    | string
    | { type?: string; function?: { name?: string } }
    | undefined
    | null;
  let mapped: Record<string, unknown> | null = null;
  if (choice === 'auto') mapped = { type: 'auto' };
  else if (choice === 'none') mapped = { type: 'none' };
  else if (choice === 'required') mapped = { type: 'any' };
  else if (choice && typeof choice === 'object' && typeof choice.function?.name === 'string')
    mapped = { type: 'tool', name: choice.function.name };
  else if (choice != null)
    throw new ToolTranslationError('tool_choice: not a value this gateway can translate');
  if (req.parallel_tool_calls === false)
    mapped = { ...(mapped ?? { type: 'auto' }), disable_parallel_tool_use: true };
  if (mapped) out.tool_choice = mapped;
  return out;
}

interface OpenAiToolCall {
  id?: unknown;
  type?: unknown;
  function?: { name?: unknown; arguments?: unknown };
}

/** An assistant message's `tool_calls` as Anthropic `tool_use` blocks. */
export function toolUseBlocks(m: ChatMessage, at: string): ToolUseBlock[] {
  const calls = m.tool_calls as OpenAiToolCall[] | undefined;
  if (!Array.isArray(calls)) return [];
  return calls.map((c, i) => {
    const where = `${at}.tool_calls.${i}`;
    if (typeof c.id !== 'string' || typeof c.function?.name !== 'string')
      throw new ToolTranslationError(`${where}: needs an id and a function name`);
    let input: unknown = {};
    const args = c.function.arguments;
    if (typeof args === 'string' && args.trim() !== '') {
      try {
        input = JSON.parse(args);
      } catch {
        throw new ToolTranslationError(`${where}.function.arguments: is not valid JSON`);
      }
    }
    return { type: 'tool_use', id: c.id, name: c.function.name, input };
  });
}

/** A `tool` message as a `tool_result` block (Anthropic carries results in a user turn). */
export function toolResultBlock(m: ChatMessage, text: string, at: string): ToolResultBlock {
  if (typeof m.tool_call_id !== 'string') throw new ToolTranslationError(`${at}.tool_call_id: is required`);
  return { type: 'tool_result', tool_use_id: m.tool_call_id, content: text };
}

/** Anthropic `tool_use` blocks of a response as OpenAI `tool_calls`. */
export function toolCallsOf(blocks: { type: string; id?: string; name?: string; input?: unknown }[]) {
  return blocks
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({
      id: b.id ?? '',
      type: 'function' as const,
      function: { name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) },
    }));
}
