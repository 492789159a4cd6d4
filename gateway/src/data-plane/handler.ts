// The data plane: a plain function chain over node's req/res (no express on the hot path, see DESIGN.md).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Api } from '../domain/types.js';
import type { GatewayError } from '../errors/gateway-error.js';
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
  /** Per API kind, how its errors are shaped beyond problem+json (AI APIs add OpenAI's `error` member). */
  errorShapeOf?: (kind: Api['kind']) => ((err: GatewayError) => GatewayError) | null;
}

/** One call's state; a class so V8 gives every call the same shape, and `abort` can be made on demand. */
class CallState implements Call {
  readonly requestId: string;
  readonly ts = Date.now();
  readonly startedAt = performance.now();
  readonly clientIp: string;
  readonly forwardedFor: string;
  readonly path: string;
  readonly search: string;
  api: Call['api'] = null;
  app: Call['app'] = null;
  keyId: string | null = null;
  subscription: Call['subscription'] = null;
  responseHeaders: Record<string, string> = {};
  clientGone = false;
  onClientGone: (() => void) | null = null;
  bytesIn = 0;
  bytesOut = 0;
  upstreamLatencyMs: number | null = null;
  errorKind: string | null = null;
  model: string | null = null;
  promptTokens: number | null = null;
  completionTokens: number | null = null;
  costUsd: number | null = null;
  attempts: Call['attempts'] = null;
  #abort: AbortController | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly snapshot: Call['snapshot'],
    trustProxyHops: number,
  ) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const incomingId = req.headers['x-request-id'];
    this.requestId =
      typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    this.clientIp = clientIpOf(req, trustProxyHops);
    this.forwardedFor = trustProxyHops === 0 ? this.clientIp : forwardedForOf(req, trustProxyHops);
    this.path = q === -1 ? url : url.slice(0, q);
    this.search = q === -1 ? '' : url.slice(q);
  }

  get abort(): AbortController {
    if (!this.#abort) {
      this.#abort = new AbortController();
      if (this.clientGone) this.#abort.abort();
    }
    return this.#abort;
  }

  /** The client left: stop whatever is in flight for it. */
  gone(): void {
    this.clientGone = true;
    this.#abort?.abort();
    this.onClientGone?.();
  }
}

export function newCall(
  req: IncomingMessage,
  res: ServerResponse,
  snapshot: Call['snapshot'],
  trustProxyHops: number,
): Call & { gone(): void } {
  return new CallState(req, res, snapshot, trustProxyHops);
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
      if (call.res.headersSent || call.clientGone) return;
    }
  }

  return function dataPlane(req: IncomingMessage, res: ServerResponse): void {
    const call = newCall(req, res, snapshot.current, trustProxyHops);
    res.on('close', () => {
      if (!res.writableFinished) call.gone();
      finish(call);
    });
    run(call).catch((err: unknown) => {
      const plain = toGatewayError(err);
      const error = (call.api && options.errorShapeOf?.(call.api.kind)?.(plain)) || plain;
      if (error.status >= 500 && error.code === 'internal')
        logger.error({ err, requestId: call.requestId }, 'data plane failure');
      call.errorKind ??= error.code;
      for (const [name, value] of Object.entries(call.responseHeaders)) res.setHeader(name, value);
      res.setHeader('x-request-id', call.requestId);
      sendProblem(res, error, call.requestId);
    });
  };
}
