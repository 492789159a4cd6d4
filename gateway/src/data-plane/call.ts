// The state of one data-plane call: its core (request, timing, outcome) and one typed slot per policy that
// leaves something for later policies or for the call record.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Api } from '../domain/types.js';
import type { ErrorKind } from '../errors/catalogue.js';
import type { LimitState } from '../limits/limits.js';
import type { AiAttempt } from '../observability/call-record.js';
import type { AppEntry, Snapshot, SubscriptionEntry } from '../snapshot/snapshot.js';

/** The auth phase's slot: which method let the call in, and as which app. */
export interface AuthResult {
  /** The auth policy's method (`key`…): the call record says which one authenticated. */
  readonly method: string;
  readonly app: AppEntry;
  /** The credential's id (an API key's id), when it has one. */
  readonly credentialId: string | null;
  /** Request headers that carried the credential: the upstream never sees them. */
  readonly credentialHeaders: readonly string[];
  /** Headers the method sends upstream about the caller (verified token claims an API owner chose). */
  readonly upstreamHeaders?: Readonly<Record<string, string>> | null;
}

/** The body-limit policy's slot: the request body as the serving policy must read it. */
export interface RequestBody {
  readonly stream: Readable;
  /** Bytes read so far. */
  readonly bytes: number;
  /** Set when the body broke the limit: the serving policy answers with this. */
  readonly failure: Error | null;
}

/** The AI layer's slot (ai/): what the call record says about models, tokens and provider attempts. */
export interface AiUsage {
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number | null;
  /** Provider attempts, in order; null until the first. */
  attempts: AiAttempt[] | null;
  /** The response cache's verdict (ai/cache), or null when the call did not go through it. */
  cache: 'hit' | 'miss' | null;
  /** What the masking guardrail replaced (ai/masking), per pattern, in the prompt sent and the answer. */
  masked: { prompt?: Record<string, number>; answer?: Record<string, number> } | null;
  /** Headers for the answer (OpenAI's x-ratelimit-*), added by the AI policy's response half. */
  headers: Record<string, string>;
}

export interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  /** The X-Request-Id the client sent (well-formed), kept for search; the call's id only from a trusted proxy. */
  readonly clientRequestId: string | null;
  /** Date.now() at arrival, for the record's ts. */
  readonly ts: number;
  /** performance.now() at arrival, for latency. */
  readonly startedAt: number;
  readonly clientIp: string;
  /** X-Forwarded-For for the upstream (client-ip.ts): only the trusted part of the client's chain, then the peer. */
  readonly forwardedFor: string;
  /** The snapshot this call started with: a full rebuild mid-call leaves it be; an applied version updates its maps. */
  readonly snapshot: Snapshot;
  /** Path without the query string, as received. */
  readonly path: string;
  /** `?…` or ''. */
  readonly search: string;
  /** route-match's slot: the API, known before any policy runs. */
  api: Api | null;
  /** The auth phase's slot; null for an anonymous API. */
  auth: AuthResult | null;
  /** The subscription policy's slot. */
  subscription: SubscriptionEntry | null;
  /** The rate-limit policy's slot: the tightest counter's state, for the RateLimit-* headers. */
  limit: LimitState | null;
  /** The body-limit policy's slot; null when the request has no body. */
  body: RequestBody | null;
  ai: AiUsage | null;
  /**
   * Aborted when the client goes away. Created on first use (most calls never need one: an AbortController
   * costs a signal and, when aborted, a DOMException), already aborted if the client left before that.
   */
  readonly abort: AbortController;
  /** The client closed the connection before the response finished. */
  clientGone: boolean;
  /** Set by whoever holds an upstream exchange open, so a client leaving stops it at once. */
  onClientGone: (() => void) | null;
  /** Request body bytes read (the body slot's count, or a tunnel's client-to-upstream bytes). */
  bytesIn: number;
  bytesOut: number;
  upstreamLatencyMs: number | null;
  errorKind: ErrorKind | null;
  /**
   * The one place a response head is written: the API's policies' response halves adjust `headers` first,
   * then the head goes out with X-Request-Id.
   */
  writeHead(status: number, headers: OutgoingHttpHeaders): void;
}

/** Route-match's shape (it runs before the API, and so its pipeline, is known). */
export type Step = (call: Call) => void | Promise<void>;

/** A call past route-match: what every policy sees. */
export type RoutedCall = Call & { api: Api };

/** The AI slot, made on first use. */
export function aiUsageOf(call: Call): AiUsage {
  call.ai ??= {
    model: null,
    promptTokens: null,
    completionTokens: null,
    costUsd: null,
    attempts: null,
    cache: null,
    masked: null,
    headers: {},
  };
  return call.ai;
}
