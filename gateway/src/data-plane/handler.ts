// The data plane: a plain function chain over node's req/res (no express on the hot path, see DESIGN.md).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sendProblem, toGatewayError } from '../errors/problem.js';
import type { CallRecord, CallRecorder } from '../observability/call-record.js';
import type { Logger } from '../observability/logger.js';
import type { SnapshotHolder } from '../snapshot/holder.js';
import type { Call, Step } from './call.js';
import { clientIpOf, forwardedForOf } from './client-ip.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** nginx's convention for "client closed the connection before the response". */
export const CLIENT_CLOSED = 499;

export interface DataPlaneOptions {
  snapshot: SnapshotHolder;
  steps: Step[];
  recorders: CallRecorder[];
  trustProxyHops: number;
  logger: Logger;
}

export function newCall(
  req: IncomingMessage,
  res: ServerResponse,
  snapshot: Call['snapshot'],
  trustProxyHops: number,
): Call {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const incomingId = req.headers['x-request-id'];
  const clientIp = clientIpOf(req, trustProxyHops);
  return {
    req,
    res,
    requestId: typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID(),
    ts: Date.now(),
    startedAt: performance.now(),
    clientIp,
    forwardedFor: trustProxyHops === 0 ? clientIp : forwardedForOf(req, trustProxyHops),
    snapshot,
    path: q === -1 ? url : url.slice(0, q),
    search: q === -1 ? '' : url.slice(q),
    api: null,
    app: null,
    keyId: null,
    subscription: null,
    responseHeaders: {},
    abort: new AbortController(),
    bytesIn: 0,
    bytesOut: 0,
    upstreamLatencyMs: null,
    errorKind: null,
    model: null,
    promptTokens: null,
    completionTokens: null,
    costUsd: null,
    attempts: null,
  };
}

export function recordOf(call: Call): CallRecord {
  const { res } = call;
  const completed = res.writableFinished;
  const status = completed
    ? res.statusCode
    : call.errorKind === 'client_abort' || !call.errorKind
      ? CLIENT_CLOSED
      : 502;
  return {
    ts: call.ts,
    requestId: call.requestId,
    tenantId: call.api?.tenantId ?? null,
    apiId: call.api?.id ?? null,
    appId: call.app?.id ?? null,
    appTenantId: call.app?.tenantId ?? null,
    subscriptionId: call.subscription?.id ?? null,
    method: call.req.method ?? 'GET',
    path: call.path,
    status,
    latencyMs: performance.now() - call.startedAt,
    upstreamLatencyMs: call.upstreamLatencyMs,
    bytesIn: call.bytesIn || Number(call.req.headers['content-length'] ?? 0) || 0,
    bytesOut: call.bytesOut,
    clientIp: call.clientIp,
    errorKind: completed || call.errorKind ? call.errorKind : 'client_abort',
    model: call.model,
    promptTokens: call.promptTokens,
    completionTokens: call.completionTokens,
    costUsd: call.costUsd,
    attempts: call.attempts,
  };
}

export function createDataPlane(options: DataPlaneOptions) {
  const { snapshot, steps, recorders, trustProxyHops, logger } = options;

  function finish(call: Call): void {
    const record = recordOf(call);
    for (const recorder of recorders) {
      try {
        recorder(record);
      } catch (err) {
        logger.error({ err }, 'call recorder failed');
      }
    }
  }

  async function run(call: Call): Promise<void> {
    for (const step of steps) {
      const pending = step(call);
      if (pending) await pending;
      if (call.res.headersSent || call.abort.signal.aborted) return;
    }
  }

  return function dataPlane(req: IncomingMessage, res: ServerResponse): void {
    const call = newCall(req, res, snapshot.current, trustProxyHops);
    res.on('close', () => {
      if (!res.writableFinished) call.abort.abort();
      finish(call);
    });
    run(call).catch((err: unknown) => {
      const error = toGatewayError(err);
      if (error.status >= 500 && error.code === 'internal')
        logger.error({ err, requestId: call.requestId }, 'data plane failure');
      call.errorKind ??= error.code;
      for (const [name, value] of Object.entries(call.responseHeaders)) res.setHeader(name, value);
      res.setHeader('x-request-id', call.requestId);
      sendProblem(res, error, call.requestId);
    });
  };
}
