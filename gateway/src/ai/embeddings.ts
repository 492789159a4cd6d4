// POST <ai api>/embeddings: OpenAI's format to OpenAI-type and Azure providers (no Anthropic or Gemini-native ones), with
// the same key and model fallbacks, limits and accounting as chat (prompt tokens only).
import { z } from 'zod';
import { aiUsageOf, type Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';
import { type AttemptDeps, answerWithFallback, modelChain } from './attempts.js';
import { sendJson } from './chat.js';
import { findModel } from './models.js';
import { networkFaults, ProviderFault, readJson } from './provider-client.js';
import { readJsonBody } from './request-body.js';
import type { TokenMeter } from './token-accounting.js';
import { describeIssue } from './translate/chat-request.js';
import { estimateTokens, TranslationError } from './translate/openai-anthropic.js';

const NO_EMBEDDINGS = (type: string) => `the model's provider (${type}) has no embeddings API`;
const NOT_EMBEDDINGS = 'the provider answered with something that is not a list of embeddings';

const embeddingsRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number()).min(1),
    z.array(z.array(z.number())).min(1),
  ]),
});

/** Strings as about four characters a token; token-id arrays as their length. */
function estimateInput(input: z.infer<typeof embeddingsRequest>['input']): number {
  if (typeof input === 'string') return estimateTokens(input);
  let n = 0;
  for (const item of input)
    n += typeof item === 'string' ? estimateTokens(item) : Array.isArray(item) ? item.length : 1;
  return n;
}

export async function embeddings(call: Call, deps: AttemptDeps, meter: TokenMeter): Promise<void> {
  const parsed = embeddingsRequest.safeParse(await readJsonBody(call));
  if (!parsed.success) throw new GatewayError('bad_request', describeIssue(parsed.error));
  const req = parsed.data;
  const first = findModel(call, req.model);
  aiUsageOf(call).model = first.name;
  const promptEstimate = estimateInput(req.input);
  await meter.reserve({ model: first, promptTokens: promptEstimate, completionTokens: 0 });
  const { model, value } = await answerWithFallback(call, deps, modelChain(first, call.snapshot.ai.models), {
    stream: false,
    path: '/embeddings',
    body: (m) => {
      if (m.provider.type !== 'openai' && m.provider.type !== 'azure')
        throw new TranslationError(NO_EMBEDDINGS(m.provider.type));
      return { ...req, model: m.upstreamModel };
    },
    consume: async (response) => {
      const body = (await readJson(response.body)) as Record<string, unknown> | null;
      if (!body || !Array.isArray(body.data))
        throw new ProviderFault(networkFaults.reset, new Error(NOT_EMBEDDINGS));
      return body;
    },
  });
  const reported = (value.usage as { prompt_tokens?: unknown } | undefined)?.prompt_tokens;
  const promptTokens = typeof reported === 'number' ? reported : promptEstimate;
  await meter.charge(model, { promptTokens, completionTokens: 0 });
  sendJson(call, 200, { ...value, model: first.name });
}
