// Gemini's streamGenerateContent (alt=sse) as OpenAI chat chunks. Gemini sends data-only events, each a
// partial GenerateContentResponse; there is no end marker: the chunk with a finishReason is the last, and
// carries the whole usage.
import type { EventSourceMessage } from 'eventsource-parser';
import { openAiUsage, type Usage } from './chat-request.js';
import {
  finishOfGemini,
  type GeminiCandidate,
  type GeminiUsage,
  readCandidate,
  usageOfGemini,
} from './gemini.js';
import { DONE, type StreamContext, StreamErrorEvent, type StreamTranslator } from './stream.js';

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

export function geminiStream(ctx: StreamContext): StreamTranslator {
  let id = 'chatcmpl-gemini';
  let started = false;
  let calls = 0;
  const state = {
    finished: false,
    usage: null as Usage | null,
    reportedPromptTokens: null as number | null,
    deltas: 0,
  };
  const chunk = (choices: unknown[], usage?: unknown) => ({
    id,
    object: 'chat.completion.chunk',
    created: ctx.created,
    model: ctx.publicModel,
    choices,
    ...(ctx.includeUsage ? { usage: usage ?? null } : {}),
  });
  const choice = (delta: object, finish: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });

  return Object.assign(state, {
    onEvent(event: EventSourceMessage): string {
      if (state.finished) return '';
      let data: {
        candidates?: GeminiCandidate[];
        usageMetadata?: GeminiUsage;
        responseId?: string;
        error?: { message?: string };
      };
      try {
        data = JSON.parse(event.data);
      } catch {
        throw new StreamErrorEvent('the provider sent an event that is not JSON');
      }
      if (data.error)
        throw new StreamErrorEvent(data.error.message ?? 'the provider reported an error mid-stream');
      let out = '';
      if (!started) {
        started = true;
        if (data.responseId) id = `chatcmpl-${data.responseId}`;
        out += sse(chunk([choice({ role: 'assistant', content: '' })]));
      }
      const candidate = data.candidates?.[0];
      const { text, toolCalls } = readCandidate(candidate, calls);
      if (typeof data.usageMetadata?.promptTokenCount === 'number')
        state.reportedPromptTokens = data.usageMetadata.promptTokenCount;
      if (text !== '') {
        state.deltas++;
        out += sse(chunk([choice({ content: text })]));
      }
      for (const call of toolCalls) {
        state.deltas++;
        out += sse(chunk([choice({ tool_calls: [{ index: calls++, ...call }] })]));
      }
      if (!candidate?.finishReason) return out;
      state.finished = true;
      state.usage = usageOfGemini(data.usageMetadata, true);
      out += sse(chunk([choice({}, finishOfGemini(candidate.finishReason, calls > 0))]));
      if (ctx.includeUsage && state.usage) out += sse(chunk([], openAiUsage(state.usage)));
      return out + DONE;
    },
  });
}
