// Where a request goes: the provider whose wire format it speaks, and the mock's own path for it. Azure OpenAI
// and Gemini's native API name the model in the path; both are mapped onto the mock's endpoints here.
import type http from 'node:http';
import { LlmMockError, Provider } from './errors.js';

export interface Route {
  /** The mock's endpoint: `/v1/chat/completions`, `/v1/embeddings`, `/gemini` …, or the path as sent. */
  path: string;
  provider: Provider;
  /** The model named by the path (an Azure deployment, a Gemini model). */
  model?: string;
  /** Gemini's streamGenerateContent. */
  stream?: boolean;
}

const AZURE = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;
const GEMINI = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

export function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function routeOf(req: http.IncomingMessage): Route {
  const url = new URL(req.url ?? '/', 'http://mock');
  const path = url.pathname;
  const azure = AZURE.exec(path);
  if (azure) {
    // Azure refuses a call without its API version; the mock does too, so the gateway must send it.
    if (!url.searchParams.get('api-version'))
      throw new LlmMockError(400, 'api-version: query parameter is required', { param: 'api-version' });
    return { path: `/v1/${azure[2]}`, provider: Provider.azure, model: decodeURIComponent(azure[1]!) };
  }
  const gemini = GEMINI.exec(path);
  if (gemini) {
    const stream = gemini[2] === 'streamGenerateContent';
    if (stream && url.searchParams.get('alt') !== 'sse')
      throw new LlmMockError(400, 'the mock streams Gemini as SSE only: add ?alt=sse');
    return { path: '/gemini', provider: Provider.gemini, model: decodeURIComponent(gemini[1]!), stream };
  }
  if (path === '/v1/messages') return { path, provider: Provider.anthropic };
  if (path === '/v1/chat/completions') return { path, provider: Provider.openai };
  // Anthropic's format elsewhere whenever the client sends `anthropic-version`.
  const provider = header(req, 'anthropic-version') === undefined ? Provider.openai : Provider.anthropic;
  return { path, provider };
}

/** The key a request carries the way its provider expects it, null when it carries none. */
export function keyOf(req: http.IncomingMessage, provider: Provider): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
  switch (provider) {
    case Provider.azure:
      return header(req, 'api-key') || null;
    case Provider.gemini:
      return header(req, 'x-goog-api-key') || new URL(req.url ?? '/', 'http://mock').searchParams.get('key');
    case Provider.anthropic:
      // Anthropic documents x-api-key; its SDK 1.x sends the key as a Bearer token, which the API also takes.
      return header(req, 'x-api-key') || bearer || null;
    default:
      return bearer ?? null;
  }
}
