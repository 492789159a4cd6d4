// One record per data-plane call, built once when the response finishes; logs, metrics and usage all read it.
export interface CallRecord {
  ts: number;
  requestId: string;
  /** The X-Request-Id the client sent, when well-formed (the gateway's own id is `requestId`). */
  clientRequestId: string | null;
  tenantId: string | null;
  apiId: string | null;
  appId: string | null;
  appTenantId: string | null;
  subscriptionId: string | null;
  /** The auth method that let the call in (`key`…); null for anonymous and refused calls. */
  authMethod: string | null;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  upstreamLatencyMs: number | null;
  bytesIn: number;
  bytesOut: number;
  clientIp: string | null;
  errorKind: string | null;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number | null;
  /** AI calls: every provider attempt in order, the last one being the answer (or the final failure). */
  attempts: AiAttempt[] | null;
  /** AI calls through a response cache: `hit` (answered from it) or `miss`; null otherwise. */
  cache: 'hit' | 'miss' | null;
  /** AI calls through a masking guardrail: replacements per pattern in the prompt and the answer. */
  masked: { prompt?: Record<string, number>; answer?: Record<string, number> } | null;
}

/** One try of one provider key for one model. Never holds the key itself, only its id. */
export interface AiAttempt {
  provider: string;
  key: string;
  model: string;
  /** The provider's HTTP status, or null when no response came (timeout, refused, reset). */
  status: number | null;
  /** Why this attempt did not answer (`upstream_timeout`, `provider_429`…), or null for the one that did. */
  error: string | null;
  ms: number;
}

export type CallRecorder = (record: CallRecord) => void;

/** A record with every optional field empty: a base for tests and for deriving the column list. */
export const blankRecord: Readonly<CallRecord> = Object.freeze({
  ts: 0,
  requestId: '',
  clientRequestId: null,
  tenantId: null,
  apiId: null,
  appId: null,
  appTenantId: null,
  subscriptionId: null,
  authMethod: null,
  method: 'GET',
  path: '/',
  status: 0,
  latencyMs: 0,
  upstreamLatencyMs: null,
  bytesIn: 0,
  bytesOut: 0,
  clientIp: null,
  errorKind: null,
  model: null,
  promptTokens: null,
  completionTokens: null,
  costUsd: null,
  attempts: null,
  cache: null,
  masked: null,
});
