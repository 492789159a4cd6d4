// POST <ai api>/chat/completions: the OpenAI chat format in and out, whatever the model's provider speaks.
import { aiUsageOf, type Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ModelEntry } from './ai-config.js';
import { type AttemptDeps, answerWithFallback, modelChain } from './attempts.js';
import { tapAnswer } from './cache/tap.js';
import { maskAnswer } from './masking/masker.js';
import { findModel, providerBody } from './models.js';
import { networkFaults, ProviderFault, readJson } from './provider-client.js';
import { readJsonBody } from './request-body.js';
import { relayStream } from './stream-relay.js';
import { reservationOf, type TokenMeter, withPlanCap } from './token-accounting.js';
import { type ChatRequest, chatRequest, describeIssue, type Usage } from './translate/chat-request.js';
import { estimateTokens, promptText } from './translate/openai-anthropic.js';
import { responseFrom } from './translate/provider-formats.js';

const NOT_A_COMPLETION = 'the provider answered with something that is not a completion';

export interface Completed {
  model: ModelEntry;
  completion: Record<string, unknown>;
  text: string;
  usage: Usage;
}

/** One whole (non-streamed) completion, with key and model fallback. Shared with prompt APIs. */
export async function completeOnce(
  call: Call,
  deps: AttemptDeps,
  req: ChatRequest,
  first: ModelEntry,
): Promise<Completed> {
  const created = Math.floor(Date.now() / 1000);
  const { model, value } = await answerWithFallback(call, deps, modelChain(first, call.snapshot.ai.models), {
    stream: false,
    body: (m) => providerBody(req, m, false),
    consume: async (response, m) => {
      const body = await readJson(response.body);
      if (!body || typeof body !== 'object')
        throw new ProviderFault(networkFaults.reset, new Error(NOT_A_COMPLETION));
      return responseFrom(m.provider.type, body, first.name, created);
    },
  });
  // Providers always report usage on whole completions; the estimate only covers one that does not.
  const usage = value.usage ?? {
    promptTokens: estimateTokens(promptText(req)),
    completionTokens: estimateTokens(value.text),
  };
  return { model, completion: value.completion, text: value.text, usage };
}

export function sendJson(call: Call, status: number, body: unknown): void {
  const text = JSON.stringify(status === 200 ? maskAnswer(call, body) : body);
  tapAnswer(call, status, text);
  call.bytesOut = Buffer.byteLength(text);
  call.writeHead(status, { 'content-type': 'application/json', 'content-length': call.bytesOut });
  call.res.end(text);
}

export async function chatCompletions(call: Call, deps: AttemptDeps, meter: TokenMeter): Promise<void> {
  const parsed = chatRequest.safeParse(await readJsonBody(call));
  if (!parsed.success) throw new GatewayError('bad_request', describeIssue(parsed.error));
  const req = withPlanCap(call, parsed.data);
  const first = findModel(call, req.model);
  aiUsageOf(call).model = first.name;
  await meter.reserve(reservationOf(req, first));
  if (req.stream === true) {
    await relayStream(call, deps, meter, req, first);
    return;
  }
  const done = await completeOnce(call, deps, req, first);
  await meter.charge(done.model, done.usage);
  sendJson(call, 200, done.completion);
}
