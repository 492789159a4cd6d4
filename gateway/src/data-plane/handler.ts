// The data plane: route-match, then the API's pipeline (data-plane/pipeline.ts), over node's req/res (no
// express on the hot path, see DESIGN.md). WebSocket upgrades (websocket.ts) share the request phase.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';
import { problemOf, toGatewayError } from '../errors/problem.js';
import type { CallRecord, CallRecorder } from '../observability/call-record.js';
import type { Logger } from '../observability/logger.js';
import { routeMatch } from '../policies/route-match/index.js';
import type { SnapshotHolder } from '../snapshot/holder.js';
import type { RoutedCall } from './call.js';
import { CallState } from './call-state.js';
import type { Pipelines } from './pipeline.js';
import { recordOf } from './record.js';

const NOTHING_SERVES = 'no policy serves this kind of API';

export interface DataPlaneOptions {
  snapshot: SnapshotHolder;
  pipelines: Pipelines;
  recorders: CallRecorder[];
  trustProxyHops: number;
  logger: Logger;
}

export class DataPlane {
  readonly #route = routeMatch(); // 404 / 400: finds the API, and so the pipeline
  readonly #recorders: CallRecorder[];

  constructor(private readonly options: DataPlaneOptions) {
    this.#recorders = options.recorders;
  }

  newCall(req: IncomingMessage, res: ServerResponse): CallState {
    return new CallState(req, res, this.options.snapshot.current, this.options.trustProxyHops);
  }

  /** Route-match and every request half but `serve`. False when a policy answered (a preflight) or the client left. */
  async admit(call: CallState): Promise<boolean> {
    this.#route(call);
    const pipeline = this.options.pipelines.of(call.api!);
    call.pipeline = pipeline;
    for (const hook of pipeline.request) {
      const pending = hook(call as RoutedCall);
      if (pending) await pending;
      if (call.res.headersSent || call.clientGone) return false;
    }
    return true;
  }

  /** Answers with the problem document of `err` (through the API's error and response halves). */
  refuse(call: CallState, err: unknown): void {
    let error: GatewayError = toGatewayError(err);
    if (error.status >= 500 && error.code === 'internal')
      this.options.logger.error({ err, requestId: call.requestId }, 'data plane failure');
    // Route-match may refuse a path after finding its API (an encoded slash): the API's halves still apply.
    if (!call.pipeline && call.api) call.pipeline = this.options.pipelines.of(call.api);
    if (call.pipeline) for (const map of call.pipeline.error) error = map(call as RoutedCall, error);
    call.errorKind ??= error.code;
    const { res } = call;
    // Headers already left: the only honest move is to cut the connection.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify(problemOf(error, call.requestId));
    call.writeHead(error.status, {
      ...error.extra.headers,
      'content-type': 'application/problem+json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  /** The call's one record, to every recorder (metrics now, the call log in batches). */
  record(call: CallState, record: CallRecord = recordOf(call)): void {
    for (const recorder of this.#recorders) {
      try {
        recorder(record);
      } catch (err) {
        this.options.logger.error({ err }, 'call recorder failed');
      }
    }
  }

  async #run(call: CallState): Promise<void> {
    if (!(await this.admit(call))) return;
    const serve = call.pipeline!.serve;
    if (!serve) throw new GatewayError('internal', NOTHING_SERVES);
    await serve(call as RoutedCall);
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const call = this.newCall(req, res);
    res.on('close', () => {
      if (!res.writableFinished) call.gone();
      this.record(call);
    });
    this.#run(call).catch((err: unknown) => this.refuse(call, err));
  };
}
