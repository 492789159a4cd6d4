// Serving another request format through the chat path: a front door (Responses, Anthropic Messages) turns its
// request into a chat request, and the chat answer — whole, or streamed event by event — back into its own
// format. Models, fallback, limits, reservations and the call record are chat's, unchanged.

import type { z } from 'zod';
import { aiUsageOf, type Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { AttemptDeps } from './attempts.js';
import { completeOnce, sendJson } from './chat.js';
import { findModel } from './models.js';
import { readJsonBody } from './request-body.js';
import { relayStream } from './stream-relay.js';
import { reservationOf, type TokenMeter, withPlanCap } from './token-accounting.js';
import { type ChatRequest, describeIssue, type Usage } from './translate/chat-request.js';
import { TranslationError } from './translate/openai-anthropic.js';

export interface FrontDoor<R> {
  schema: z.ZodType<R>;
  /** The chat request this one stands for; TranslationError names what cannot be served. */
  toChat(req: R): ChatRequest;
  /** The whole chat answer in this format. */
  answer(req: R, completion: Record<string, unknown>, usage: Usage): unknown;
  /** A rewriter of the chat SSE text into this format's events, for one stream. */
  stream(req: R): (sse: string) => string;
}

export async function serveFrontDoor<R>(
  call: Call,
  deps: AttemptDeps,
  meter: TokenMeter,
  door: FrontDoor<R>,
): Promise<void> {
  const parsed = door.schema.safeParse(await readJsonBody(call));
  if (!parsed.success) throw new GatewayError('bad_request', describeIssue(parsed.error));
  let asked: ChatRequest;
  try {
    asked = door.toChat(parsed.data);
  } catch (err) {
    if (err instanceof TranslationError) throw new GatewayError('bad_request', err.message);
    throw err;
  }
  const req = withPlanCap(call, asked);
  const first = findModel(call, req.model);
  aiUsageOf(call).model = first.name;
  await meter.reserve(reservationOf(req, first));
  if (req.stream === true) {
    // The front door's closing event carries the usage, so the chat stream must deliver it.
    const counted = { ...req, stream_options: { include_usage: true } };
    return relayStream(call, deps, meter, counted, first, door.stream(parsed.data));
  }
  const done = await completeOnce(call, deps, req, first);
  await meter.charge(done.model, done.usage);
  sendJson(call, 200, door.answer(parsed.data, done.completion, done.usage));
}
