// Streams a chat completion to the client as OpenAI SSE while the provider produces it: each provider event
// is translated and written as it arrives (with backpressure), usage is charged from the stream's usage
// event, and a provider failing mid-stream ends the client's stream with an error event it understands.
import { once } from 'node:events';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Dispatcher } from 'undici';
import type { Call } from '../data-plane/call.js';
import type { ErrorKind } from '../errors/catalogue.js';
import type { ModelEntry } from './ai-config.js';
import { type AttemptDeps, answerWithFallback, modelChain } from './attempts.js';
import { providerBody } from './models.js';
import { faultOf, networkFaults } from './provider-client.js';
import type { TokenMeter } from './token-accounting.js';
import type { ChatRequest } from './translate/chat-request.js';
import { estimateTokens, promptText } from './translate/openai-anthropic.js';
import { streamFrom } from './translate/provider-formats.js';
import { errorEvent, StreamErrorEvent, type StreamTranslator } from './translate/stream.js';

const CUT_SHORT = 'the provider ended the stream before it was complete';
const BROKE_OFF = 'the connection to the provider broke off mid-stream';
const TIMED_OUT = 'the provider stopped sending mid-stream';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // A buffering reverse proxy in front (nginx) would hold the tokens back.
  'x-accel-buffering': 'no',
} as const;

export async function relayStream(
  call: Call,
  deps: AttemptDeps,
  meter: TokenMeter,
  req: ChatRequest,
  first: ModelEntry,
  /** Rewrites the OpenAI chat SSE text before it leaves (the legacy completions format). */
  reshape: (sse: string) => string = (sse) => sse,
): Promise<void> {
  const {
    model,
    value: response,
    attempt,
  } = await answerWithFallback(call, deps, modelChain(first, call.snapshot.ai.models), {
    stream: true,
    body: (m) => providerBody(req, m, true),
    consume: async (r: Dispatcher.ResponseData) => r,
  });
  const ctx = {
    publicModel: first.name,
    includeUsage: req.stream_options?.include_usage === true,
    created: Math.floor(Date.now() / 1000),
  };
  const translator: StreamTranslator = streamFrom(model.provider.type, ctx);
  const { res } = call;
  call.writeHead(200, { ...SSE_HEADERS });

  const write = async (chat: string) => {
    if (!chat) return;
    const text = reshape(chat);
    call.bytesOut += Buffer.byteLength(text);
    if (!res.write(text)) await once(res, 'drain', { signal: call.abort.signal });
  };
  let promptEstimate: number | null = null;
  const usageSoFar = () => {
    if (translator.usage) return translator.usage;
    // Only needed when the provider has reported nothing; computed once, not per chunk.
    promptEstimate ??= estimateTokens(promptText(req));
    return {
      promptTokens: translator.reportedPromptTokens ?? promptEstimate,
      completionTokens: translator.deltas,
    };
  };

  let out = '';
  let eventError: StreamErrorEvent | null = null;
  const parser = createParser({
    onEvent(event: EventSourceMessage) {
      if (eventError) return;
      try {
        out += translator.onEvent(event);
      } catch (err) {
        if (!(err instanceof StreamErrorEvent)) throw err;
        eventError = err;
      }
    },
  });
  const decoder = new TextDecoder();
  let failure: { kind: ErrorKind; message: string } | null = null;
  try {
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      // Charge before the closing events leave, so the client's next call already sees the quota used.
      if (translator.finished) await meter.charge(model, usageSoFar());
      // Kept current as the stream goes: if the client leaves, the call record is built at once, from these.
      else meter.note(model, usageSoFar());
      const text = out;
      out = '';
      await write(text);
      if (eventError) break;
    }
    if (eventError) failure = { kind: 'upstream_error', message: (eventError as StreamErrorEvent).message };
    else if (!translator.finished) failure = { kind: networkFaults.reset, message: CUT_SHORT };
  } catch (err) {
    if (call.abort.signal.aborted) {
      call.errorKind = 'client_abort';
      attempt.error = 'client_abort';
      await meter.charge(model, usageSoFar());
      return;
    }
    const kind = faultOf(err).kind;
    failure = { kind, message: kind === networkFaults.timeout ? TIMED_OUT : BROKE_OFF };
  }
  if (failure) {
    call.errorKind = failure.kind;
    attempt.error = failure.kind;
    response.body.destroy();
    await meter.charge(model, usageSoFar());
    await write(errorEvent(failure.message, failure.kind)).catch(() => {});
  }
  res.end();
}
