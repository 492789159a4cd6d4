// The chat request, whole answer and stream of each provider type, in one place: OpenAI-compatible and Azure
// speak OpenAI's format, Anthropic its Messages, Gemini its native generateContent.
import type { ProviderType } from '../ai-config.js';
import type { ChatRequest } from './chat-request.js';
import { fromGeminiResponse, toGeminiRequest } from './gemini.js';
import { geminiStream } from './gemini-stream.js';
import {
  fromAnthropicResponse,
  fromOpenAiResponse,
  toAnthropicRequest,
  toOpenAiRequest,
} from './openai-anthropic.js';
import { anthropicStream, openAiStream, type StreamContext, type StreamTranslator } from './stream.js';

export function requestFor(
  type: ProviderType,
  req: ChatRequest,
  upstreamModel: string,
  stream: boolean,
): Record<string, unknown> {
  if (type === 'anthropic') return toAnthropicRequest(req, upstreamModel, stream);
  if (type === 'gemini') return toGeminiRequest(req);
  return toOpenAiRequest(req, upstreamModel, stream);
}

export function responseFrom(type: ProviderType, body: object, publicModel: string, created: number) {
  if (type === 'anthropic') return fromAnthropicResponse(body, publicModel, created);
  if (type === 'gemini') return fromGeminiResponse(body, publicModel, created);
  return fromOpenAiResponse(body as Record<string, unknown>, publicModel);
}

export function streamFrom(type: ProviderType, ctx: StreamContext): StreamTranslator {
  if (type === 'anthropic') return anthropicStream(ctx);
  if (type === 'gemini') return geminiStream(ctx);
  return openAiStream(ctx);
}
