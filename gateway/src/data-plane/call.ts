// The state of one data-plane call as it moves down the policy chain.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Api } from '../domain/types.js';
import type { AiAttempt } from '../observability/call-record.js';
import type { AppEntry, Snapshot, SubscriptionEntry } from '../snapshot/snapshot.js';

export interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
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
  api: Api | null;
  app: AppEntry | null;
  keyId: string | null;
  subscription: SubscriptionEntry | null;
  /** Headers policies add to the response (RateLimit-*…), whatever the outcome. */
  responseHeaders: Record<string, string>;
  /**
   * Aborted when the client goes away. Created on first use (most calls never need one: an AbortController
   * costs a signal and, when aborted, a DOMException), already aborted if the client left before that.
   */
  readonly abort: AbortController;
  /** The client closed the connection before the response finished. */
  clientGone: boolean;
  /** Set by whoever holds an upstream exchange open, so a client leaving stops it at once. */
  onClientGone: (() => void) | null;
  bytesIn: number;
  bytesOut: number;
  upstreamLatencyMs: number | null;
  errorKind: string | null;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number | null;
  /** AI calls: provider attempts, in order (see ai/). */
  attempts: AiAttempt[] | null;
}

/** A policy step: throws a GatewayError to answer early; the last step writes the response. */
export type Step = (call: Call) => void | Promise<void>;
