// POST <ai api>/completions: OpenAI's legacy text-completion format, served as a chat completion of one user
// message (the prompt) and answered back as `text_completion` objects, streamed or whole, over any provider.
import { z } from 'zod';
import { aiUsageOf, type Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { AttemptDeps } from './attempts.js';
import { completeOnce, sendJson } from './chat.js';
import { findModel } from './models.js';
import { readJsonBody } from './request-body.js';
import { relayStream } from './stream-relay.js';
import { reservationOf, type TokenMeter, withPlanCap } from './token-accounting.js';
import { type ChatRequest, chatRequest, describeIssue } from './translate/chat-request.js';

const legacyRequest = chatRequest
  .pick({
    model: true,
    stream: true,
    stream_options: true,
    max_tokens: true,
    temperature: true,
    top_p: true,
    stop: true,
    user: true,
  })
  .extend({
    prompt: z.union([z.string(), z.array(z.string()).length(1, 'the gateway takes one prompt per call')]),
    n: z.literal(1, 'the gateway answers n=1 only').nullish(),
  })
  .strict();

type Choice = { index: number; message: { content: string | null }; finish_reason: string | null };

/** A chat completion as a legacy text completion. */
function textCompletion(c: Record<string, unknown>): Record<string, unknown> {
  const choices = (c.choices as Choice[]).map((ch) => ({
    text: ch.message.content ?? '',
    index: ch.index,
    logprobs: null,
    finish_reason: ch.finish_reason,
  }));
  return { id: c.id, object: 'text_completion', created: c.created, model: c.model, choices, usage: c.usage };
}

type ChunkChoice = { index: number; delta: { content?: string | null }; finish_reason: string | null };

/** Rewrites the chat chunks of an SSE text as legacy completion chunks; other events pass unchanged. */
export function toLegacyChunks(sse: string): string {
  return sse.replace(/^data: (\{.*\})$/gm, (line, json: string) => {
    const chunk = JSON.parse(json) as Record<string, unknown>;
    if (chunk.object !== 'chat.completion.chunk') return line;
    const choices = (chunk.choices as ChunkChoice[]).map((ch) => ({
      text: ch.delta.content ?? '',
      index: ch.index,
      logprobs: null,
      finish_reason: ch.finish_reason,
    }));
    return `data: ${JSON.stringify({ ...chunk, object: 'text_completion', choices })}`;
  });
}

export async function legacyCompletions(call: Call, deps: AttemptDeps, meter: TokenMeter): Promise<void> {
  const parsed = legacyRequest.safeParse(await readJsonBody(call));
  if (!parsed.success) throw new GatewayError('bad_request', describeIssue(parsed.error));
  const { prompt, n: _n, ...rest } = parsed.data;
  const asked: ChatRequest = {
    ...rest,
    messages: [{ role: 'user', content: typeof prompt === 'string' ? prompt : prompt[0]! }],
  };
  const req = withPlanCap(call, asked);
  const first = findModel(call, req.model);
  aiUsageOf(call).model = first.name;
  await meter.reserve(reservationOf(req, first));
  if (req.stream === true) return relayStream(call, deps, meter, req, first, toLegacyChunks);
  const done = await completeOnce(call, deps, req, first);
  await meter.charge(done.model, done.usage);
  sendJson(call, 200, textCompletion(done.completion));
}
