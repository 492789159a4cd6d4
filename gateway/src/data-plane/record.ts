// The one record of a call, built when its response finishes (or its tunnel closes) from the call's slots.
import { performance } from 'node:perf_hooks';
import type { CallRecord } from '../observability/call-record.js';
import type { Call } from './call.js';

/** nginx's convention for "client closed the connection before the response". */
export const CLIENT_CLOSED = 499;

/** `status` is given for a tunnel, whose response never "finishes": its 101 stands, with the end it had. */
export function recordOf(call: Call, tunnelStatus?: number): CallRecord {
  const status = tunnelStatus ?? statusOf(call);
  const settled = tunnelStatus !== undefined || call.res.writableFinished;
  const { auth, ai } = call;
  return {
    ts: call.ts,
    requestId: call.requestId,
    clientRequestId: call.clientRequestId,
    tenantId: call.api?.tenantId ?? null,
    apiId: call.api?.id ?? null,
    appId: auth?.app.id ?? null,
    appTenantId: auth?.app.tenantId ?? null,
    subscriptionId: call.subscription?.id ?? null,
    authMethod: auth?.method ?? null,
    method: call.req.method ?? 'GET',
    path: call.path,
    status,
    latencyMs: performance.now() - call.startedAt,
    upstreamLatencyMs: call.upstreamLatencyMs,
    bytesIn: call.bytesIn || call.body?.bytes || Number(call.req.headers['content-length'] ?? 0) || 0,
    bytesOut: call.bytesOut,
    clientIp: call.clientIp,
    errorKind: settled || call.errorKind ? call.errorKind : 'client_abort',
    model: ai?.model ?? null,
    promptTokens: ai?.promptTokens ?? null,
    completionTokens: ai?.completionTokens ?? null,
    costUsd: ai?.costUsd ?? null,
    attempts: ai?.attempts ?? null,
    cache: ai?.cache ?? null,
    masked: ai?.masked ?? null,
  };
}

function statusOf(call: Call): number {
  if (call.res.writableFinished) return call.res.statusCode;
  return call.errorKind === 'client_abort' || !call.errorKind ? CLIENT_CLOSED : 502;
}
