// Translation between the OpenAI chat format and Google Gemini's native generateContent format (a provider of
// type `gemini`), for whole requests and responses. Streams are in gemini-stream.ts.
import { ToolTranslationError, toolResultBlock, toolUseBlocks } from './anthropic-tools.js';
import type { ChatMessage, ChatRequest, Usage } from './chat-request.js';
import { chatCompletionOf, TranslationError } from './openai-anthropic.js';

const UNSUPPORTED = ['functions', 'function_call', 'logprobs', 'audio'] as const;
const PROVIDER = "this model's provider (gemini)";

type Part = Record<string, unknown>;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function partsOf(content: ChatMessage['content'], at: string): Part[] {
  if (content == null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.map((p, i) => {
    if (p.type === 'text' && typeof p.text === 'string') return { text: p.text };
    const url = (p.image_url as { url?: unknown } | undefined)?.url;
    const data = p.type === 'image_url' && typeof url === 'string' ? DATA_URL.exec(url) : null;
    if (data) return { inlineData: { mimeType: data[1], data: data[2] } };
    throw new TranslationError(
      `${at}.content.${i}: parts of type ${p.type} (other than text and data: images) are not supported by ${PROVIDER}`,
    );
  });
}

const textOf = (content: ChatMessage['content'], at: string) =>
  partsOf(content, at)
    .map((p) => p.text)
    .join('\n');

/** Chat messages as Gemini turns; a tool result needs its call's function name, found in the call's turn. */
function contentsOf(req: ChatRequest): { contents: Content[]; system: string[] } {
  const system: string[] = [];
  const contents: Content[] = [];
  const callNames = new Map<string, string>();
  const push = (role: Content['role'], parts: Part[]) => {
    const last = contents.at(-1);
    // Gemini wants turns to alternate: consecutive same-role messages (several tool results) share one turn.
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const [i, m] of req.messages.entries()) {
    const at = `messages.${i}`;
    if (m.role === 'system' || m.role === 'developer') system.push(textOf(m.content, at));
    else if (m.role === 'user') push('user', partsOf(m.content, at));
    else if (m.role === 'assistant') {
      const calls = toolUseBlocks(m, at);
      for (const c of calls) callNames.set(c.id, c.name);
      const fnCalls = calls.map((c) => ({ functionCall: { name: c.name, args: c.input } }));
      push('model', [...partsOf(m.content, at), ...fnCalls]);
    } else if (m.role === 'tool') {
      const block = toolResultBlock(m, textOf(m.content, at), at);
      const name = callNames.get(block.tool_use_id);
      if (!name) throw new TranslationError(`${at}.tool_call_id: no earlier assistant tool call has this id`);
      push('user', [{ functionResponse: { name, response: { content: block.content } } }]);
    } else throw new TranslationError(`${at}.role: ${m.role} messages are not supported by ${PROVIDER}`);
  }
  return { contents, system };
}

interface OpenAiTool {
  type?: string;
  function?: { name?: string; description?: string; parameters?: unknown };
}

function toolsOf(req: ChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(req.tools) && req.tools.length > 0)
    out.tools = [
      {
        functionDeclarations: (req.tools as OpenAiTool[]).map((t, i) => {
          if (t.type !== 'function' || !t.function?.name)
            throw new TranslationError(`tools.${i}: only tools of type function with a name are supported`);
          const { name, description, parameters } = t.function;
          return { name, ...(description ? { description } : {}), ...(parameters ? { parameters } : {}) };
        }),
      },
    ];
  const choice = req.tool_choice as string | { function?: { name?: string } } | null | undefined;
  const modes: Record<string, string> = { auto: 'AUTO', none: 'NONE', required: 'ANY' };
  if (typeof choice === 'string' && modes[choice])
    out.toolConfig = { functionCallingConfig: { mode: modes[choice] } };
  else if (choice && typeof choice === 'object' && choice.function?.name)
    out.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  else if (choice != null) throw new TranslationError('tool_choice: not a value this gateway can translate');
  return out;
}

function generationConfigOf(req: ChatRequest): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) config.maxOutputTokens = max;
  if (req.temperature != null) config.temperature = req.temperature;
  if (req.top_p != null) config.topP = req.top_p;
  if (req.stop != null) config.stopSequences = typeof req.stop === 'string' ? [req.stop] : req.stop;
  const format = req.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (format?.type === 'json_object' || format?.type === 'json_schema')
    config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema' && format.json_schema?.schema)
    config.responseJsonSchema = format.json_schema.schema;
  return config;
}

/** The generateContent body (the model goes in the URL, not the body). */
export function toGeminiRequest(req: ChatRequest): Record<string, unknown> {
  for (const field of UNSUPPORTED)
    if (req[field] != null) throw new TranslationError(`${field}: not supported by ${PROVIDER}`);
  if (req.n != null && req.n !== 1) throw new TranslationError(`n: only 1 is supported by ${PROVIDER}`);
  let parts: { contents: Content[]; system: string[] };
  let tools: Record<string, unknown>;
  try {
    parts = contentsOf(req);
    tools = toolsOf(req);
  } catch (err) {
    if (err instanceof ToolTranslationError) throw new TranslationError(err.message);
    throw err;
  }
  if (parts.contents.length === 0)
    throw new TranslationError('messages: at least one user or assistant message is required');
  const config = generationConfigOf(req);
  return {
    contents: parts.contents,
    ...(parts.system.length > 0
      ? { systemInstruction: { parts: [{ text: parts.system.join('\n\n') }] } }
      : {}),
    ...(Object.keys(config).length > 0 ? { generationConfig: config } : {}),
    ...tools,
  };
}

export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
}

/** Thinking tokens are billed as output: they count as completion tokens here. */
export function usageOfGemini(u: GeminiUsage | undefined, final: boolean): Usage | null {
  if (!u || typeof u.promptTokenCount !== 'number') return null;
  if (!final && typeof u.candidatesTokenCount !== 'number') return null;
  return {
    promptTokens: u.promptTokenCount,
    completionTokens: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
  };
}

const FINISH: Record<string, string> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
};

export function finishOfGemini(reason: unknown, hasToolCalls: boolean): string {
  if (hasToolCalls) return 'tool_calls';
  return (typeof reason === 'string' && FINISH[reason]) || 'stop';
}

export interface GeminiCandidate {
  content?: {
    parts?: {
      text?: string;
      thought?: boolean;
      functionCall?: { id?: string; name?: string; args?: unknown };
    }[];
  };
  finishReason?: string;
}

/** A candidate's visible text (thought summaries left out) and its function calls as OpenAI tool calls. */
export function readCandidate(c: GeminiCandidate | undefined, callsSoFar = 0) {
  const parts = c?.content?.parts ?? [];
  const text = parts
    .filter((p) => typeof p.text === 'string' && !p.thought)
    .map((p) => p.text)
    .join('');
  const toolCalls = parts
    .filter((p) => p.functionCall)
    .map((p, i) => ({
      id: p.functionCall!.id ?? `call_${callsSoFar + i}`,
      type: 'function' as const,
      function: { name: p.functionCall!.name ?? '', arguments: JSON.stringify(p.functionCall!.args ?? {}) },
    }));
  return { text, toolCalls };
}

export function fromGeminiResponse(
  body: { candidates?: GeminiCandidate[]; usageMetadata?: GeminiUsage; responseId?: string },
  publicModel: string,
  created: number,
) {
  const candidate = body.candidates?.[0];
  const { text, toolCalls } = readCandidate(candidate);
  const usage = usageOfGemini(body.usageMetadata, true);
  return chatCompletionOf({
    id: `chatcmpl-${body.responseId ?? 'gemini'}`,
    created,
    publicModel,
    text,
    toolCalls,
    finish: finishOfGemini(candidate?.finishReason, toolCalls.length > 0),
    usage,
  });
}
