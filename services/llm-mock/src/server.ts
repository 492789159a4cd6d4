// The LLM backend mock: OpenAI chat completions and Anthropic messages over plain node:http, with deterministic replies.
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import * as anthropic from './anthropic.js';
import { embeddings, embeddingsRequestSchema } from './embeddings.js';
import { errorBody, LlmMockError, Provider } from './errors.js';
import * as gemini from './gemini.js';
import { playStream, readJson, type Sleep, writeJson } from './http-io.js';
import { DEFAULT_KNOBS, type Knobs, knobsOptionSchema, readKnobs } from './knobs.js';
import { type Completion, complete } from './model.js';
import * as openai from './openai.js';
import { Pauses } from './pauses.js';
import { header, keyOf, type Route, routeOf } from './routes.js';

export type { Sleep } from './http-io.js';
export type { Knobs } from './knobs.js';

export const DEFAULT_MODELS: readonly string[] = Object.freeze([
  'mock-gpt-small',
  'mock-gpt-large',
  'mock-claude-small',
  'mock-claude-large',
]);

export interface LlmMockServerOptions {
  /** Keys a request must carry (OpenAI: `Authorization: Bearer`, Anthropic: `x-api-key`). Empty or absent: none needed. */
  apiKeys?: readonly string[];
  /** Knob defaults; request headers override them. */
  defaults?: Partial<Knobs>;
  /** Ids listed by `GET /v1/models`. Any model name is accepted in a request whatever this says. */
  models?: readonly string[];
  /** Larger request bodies get 413. Default 10 MiB. */
  maxBodyBytes?: number;
  /** Draws for the error-rate knob, in [0, 1). Default Math.random. */
  random?: () => number;
  /** Clock in ms for OpenAI's `created`. Default Date.now. */
  now?: () => number;
  /** How the mock waits; tests can pass one that records the waits. Default: a timer cleared when the client leaves. */
  sleep?: Sleep;
}

const fn = <T>() => z.custom<T>((value) => typeof value === 'function', 'must be a function').optional();
const optionsSchema = z.strictObject({
  apiKeys: z.array(z.string().min(1)).optional(),
  defaults: knobsOptionSchema.optional(),
  models: z.array(z.string().min(1)).optional(),
  maxBodyBytes: z.int().min(1).optional(),
  random: fn<() => number>(),
  now: fn<() => number>(),
  sleep: fn<Sleep>(),
});

const ENDPOINTS: Record<string, 'GET' | 'POST'> = {
  '/v1/chat/completions': 'POST',
  '/v1/messages': 'POST',
  '/v1/models': 'GET',
  '/v1/embeddings': 'POST',
  '/gemini': 'POST',
  '/mock/paused': 'GET',
  '/mock/release': 'POST',
};

function parseRequest<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = issue.path.join('.');
  throw new LlmMockError(400, param ? `${param}: ${issue.message}` : issue.message, { param: param || null });
}

/** Creates the mock, not yet listening: call `.listen(port)` (port 0 in tests). */
export function createLlmMockServer(options: LlmMockServerOptions = {}): http.Server {
  const parsed = optionsSchema.parse(options);
  const keys = new Set(parsed.apiKeys ?? []);
  const defaults: Knobs = { ...DEFAULT_KNOBS };
  for (const [key, value] of Object.entries(parsed.defaults ?? {})) {
    if (value !== undefined) defaults[key as keyof Knobs] = value as never;
  }
  const models = Object.freeze([...(parsed.models ?? DEFAULT_MODELS)]);
  const maxBodyBytes = parsed.maxBodyBytes ?? 10 * 1024 * 1024;
  const random = parsed.random ?? Math.random;
  const now = parsed.now ?? Date.now;
  const sleep: Sleep = parsed.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  let started = 0;
  const pauses = new Pauses();

  function authenticate(req: http.IncomingMessage, provider: Provider): void {
    if (keys.size === 0) return;
    const key = keyOf(req, provider);
    if (provider === Provider.anthropic) {
      if (!key) throw new LlmMockError(401, 'x-api-key header is required');
      if (!keys.has(key)) throw new LlmMockError(401, 'invalid x-api-key');
      return;
    }
    if (provider === Provider.azure || provider === Provider.gemini) {
      const where = provider === Provider.azure ? 'api-key header' : 'x-goog-api-key header';
      if (!keys.has(key ?? '')) throw new LlmMockError(401, `missing or invalid key in the ${where}`);
      return;
    }
    if (!key)
      throw new LlmMockError(401, "You didn't provide an API key: send 'Authorization: Bearer <key>'.");
    if (!keys.has(key))
      throw new LlmMockError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
  }

  /** The latency knob, then the forced status and the error rate. False when the client has gone. */
  async function beforeAnswer(knobs: Knobs, wait: (ms: number) => Promise<boolean>): Promise<boolean> {
    if (!(await wait(knobs.latencyMs))) return false;
    if (knobs.status !== undefined) {
      const headers: Record<string, string> =
        knobs.status === 429 || knobs.status === 503
          ? { 'retry-after': String(knobs.retryAfterSeconds) }
          : {};
      throw new LlmMockError(knobs.status, `mock: forced status ${knobs.status} (x-mock-status)`, {
        headers,
      });
    }
    if (knobs.errorRate > 0 && random() < knobs.errorRate) {
      throw new LlmMockError(500, `mock: random failure (x-mock-error-rate ${knobs.errorRate})`);
    }
    return true;
  }

  /** A non-streamed answer comes after the whole generation time, or the connection breaks with no answer. */
  async function answerWhole(
    res: http.ServerResponse,
    body: unknown,
    completion: Completion,
    knobs: Knobs,
    wait: (ms: number) => Promise<boolean>,
  ): Promise<void> {
    if (knobs.failAfterTokens !== undefined) {
      res.socket?.destroy();
      return;
    }
    const tokens = completion.deltas.length;
    const generationMs = tokens === 0 ? 0 : knobs.firstTokenMs + knobs.interTokenMs * (tokens - 1);
    if (await wait(generationMs)) writeJson(res, 200, body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, route: Route): Promise<void> {
    const { path, provider } = route;
    if (path === '/healthz') return writeJson(res, 200, { status: 'ok' });
    const method = ENDPOINTS[path];
    if (!method) throw new LlmMockError(404, `Invalid URL (${req.method} ${path})`);
    if (req.method !== method) {
      throw new LlmMockError(405, `${path} accepts ${method} only`, { headers: { allow: method } });
    }
    // The test's controls over held streams (x-mock-pause-after-tokens): no key, as /healthz.
    if (path === '/mock/paused') return writeJson(res, 200, { paused: pauses.count });
    if (path === '/mock/release') return writeJson(res, 200, { released: pauses.releaseAll() });
    authenticate(req, provider);
    if (path === '/v1/messages' && header(req, 'anthropic-version') === undefined) {
      throw new LlmMockError(400, 'anthropic-version: header is required');
    }
    const read = readKnobs(defaults, 'header', (name) => header(req, name));
    if ('problem' in read) throw new LlmMockError(400, read.problem);
    const knobs = read.knobs;

    const closed = new AbortController();
    res.once('close', () => closed.abort());
    const wait = async (ms: number) => {
      if (ms > 0) await sleep(ms, closed.signal).catch(() => {});
      return !closed.signal.aborted;
    };
    const pause = () => pauses.hold(closed.signal);

    if (path === '/v1/models') {
      if (!(await beforeAnswer(knobs, wait))) return;
      return writeJson(
        res,
        200,
        provider === Provider.anthropic ? anthropic.modelList(models) : openai.modelList(models),
      );
    }
    const body = await readJson(req, maxBodyBytes);
    // Azure names the model (its deployment) in the path; the body may leave it out.
    if (route.model && provider === Provider.azure && body && typeof body === 'object')
      (body as { model?: string }).model ??= route.model;
    if (path === '/v1/embeddings') {
      const request = parseRequest(embeddingsRequestSchema, body);
      if (!(await beforeAnswer(knobs, wait))) return;
      return writeJson(res, 200, embeddings(request));
    }
    if (provider === Provider.gemini) {
      const request = parseRequest(gemini.generateRequestSchema, body);
      if (!(await beforeAnswer(knobs, wait))) return;
      const { messages, system } = gemini.messagesOf(request);
      const maxTokens = request.generationConfig?.maxOutputTokens;
      const completion = complete(messages, { system, maxTokens });
      const meta = { id: `gen-mock-${++started}`, model: route.model! };
      if (!route.stream)
        return answerWhole(res, gemini.generateResponse(meta, completion), completion, knobs, wait);
      return playStream(res, gemini.generateStream(meta, completion), knobs, wait, pause);
    }
    if (provider === Provider.openai || provider === Provider.azure) {
      const request = parseRequest(openai.chatRequestSchema, body);
      if (!(await beforeAnswer(knobs, wait))) return;
      const completion = complete(request.messages, {
        maxTokens: request.max_completion_tokens ?? request.max_tokens,
      });
      const meta = {
        id: `chatcmpl-mock-${++started}`,
        created: Math.floor(now() / 1000),
        model: request.model,
      };
      if (!request.stream)
        return answerWhole(res, openai.chatCompletion(meta, completion), completion, knobs, wait);
      const includeUsage = request.stream_options?.include_usage === true;
      return playStream(res, openai.chatStream(meta, completion, includeUsage), knobs, wait, pause);
    }
    const request = parseRequest(anthropic.messagesRequestSchema, body);
    if (!(await beforeAnswer(knobs, wait))) return;
    const completion = complete(request.messages, { system: request.system, maxTokens: request.max_tokens });
    const meta = { id: `msg_mock_${++started}`, model: request.model };
    if (!request.stream)
      return answerWhole(res, anthropic.message(meta, completion), completion, knobs, wait);
    return playStream(res, anthropic.messageStream(meta, completion), knobs, wait, pause);
  }

  return http.createServer((req, res) => {
    let provider: Provider = Provider.openai;
    const served = async () => {
      const route = routeOf(req);
      provider = route.provider;
      await handle(req, res, route);
    };
    served().catch((error: unknown) => {
      // Once a stream has started, or the client has gone, there is no one to tell.
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      const failure =
        error instanceof LlmMockError
          ? error
          : new LlmMockError(500, `mock: unexpected error: ${String(error)}`);
      writeJson(res, failure.status, errorBody(provider, failure), failure.extra.headers);
    });
  });
}
