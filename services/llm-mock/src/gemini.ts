// Google Gemini's native generateContent wire format: request schema, response body and stream chunks
// (`streamGenerateContent?alt=sse`: data-only events, the last one with finishReason and the whole usage).
import { z } from 'zod';
import type { SseEvent, StreamPlan } from './http-io.js';
import type { ChatMessage, Completion } from './model.js';

const part = z.looseObject({ text: z.string().optional() });
const content = z.looseObject({ role: z.string().optional(), parts: z.array(part) });

export const generateRequestSchema = z.looseObject({
  contents: z.array(content).min(1),
  systemInstruction: content.optional(),
  generationConfig: z.looseObject({ maxOutputTokens: z.int().min(1).optional() }).optional(),
});
export type GenerateRequest = z.infer<typeof generateRequestSchema>;

const textOf = (c: z.infer<typeof content>) =>
  c.parts
    .filter((p) => typeof p.text === 'string')
    .map((p) => p.text)
    .join('\n');

/** Gemini's turns as the mock model's messages: role `model` is the assistant, the rest are the user. */
export function messagesOf(req: GenerateRequest): { messages: ChatMessage[]; system: string | undefined } {
  return {
    messages: req.contents.map((c) => ({
      role: c.role === 'model' ? 'assistant' : 'user',
      content: textOf(c),
    })),
    system: req.systemInstruction ? textOf(req.systemInstruction) : undefined,
  };
}

export interface Meta {
  id: string;
  model: string;
}

const usage = (c: Completion) => ({
  promptTokenCount: c.promptTokens,
  candidatesTokenCount: c.completionTokens,
  totalTokenCount: c.promptTokens + c.completionTokens,
});

const candidate = (text: string, finishReason?: string) => ({
  content: { parts: [{ text }], role: 'model' },
  ...(finishReason ? { finishReason } : {}),
  index: 0,
});

const finish = (c: Completion) => (c.truncated ? 'MAX_TOKENS' : 'STOP');

export function generateResponse(meta: Meta, c: Completion) {
  return {
    candidates: [candidate(c.text, finish(c))],
    usageMetadata: usage(c),
    modelVersion: meta.model,
    responseId: meta.id,
  };
}

/** One chunk per token, each with the prompt's count; the last adds finishReason and the whole usage. */
export function generateStream(meta: Meta, c: Completion): StreamPlan {
  const chunk = (body: object): SseEvent => ({
    data: JSON.stringify({ ...body, modelVersion: meta.model, responseId: meta.id }),
  });
  const running = { promptTokenCount: c.promptTokens, totalTokenCount: c.promptTokens };
  return {
    opening: [],
    deltas: c.deltas.map((text) => chunk({ candidates: [candidate(text)], usageMetadata: running })),
    closing: [chunk({ candidates: [candidate('', finish(c))], usageMetadata: usage(c) })],
  };
}
