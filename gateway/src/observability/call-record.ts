// One record per data-plane call, built once when the response finishes; logs, metrics and usage all read it.
export interface CallRecord {
  ts: number;
  requestId: string;
  tenantId: string | null;
  apiId: string | null;
  appId: string | null;
  appTenantId: string | null;
  subscriptionId: string | null;
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
}

export type CallRecorder = (record: CallRecord) => void;
