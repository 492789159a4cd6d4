// One call's state; a class so V8 gives every call the same shape, and `abort` can be made on demand.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Call, RoutedCall } from './call.js';
import { clientIpOf, forwardedForOf } from './client-ip.js';
import type { Pipeline } from './pipeline.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export class CallState implements Call {
  readonly requestId: string;
  readonly clientRequestId: string | null;
  readonly ts = Date.now();
  readonly startedAt = performance.now();
  readonly clientIp: string;
  readonly forwardedFor: string;
  readonly path: string;
  readonly search: string;
  api: Call['api'] = null;
  auth: Call['auth'] = null;
  subscription: Call['subscription'] = null;
  limit: Call['limit'] = null;
  body: Call['body'] = null;
  ai: Call['ai'] = null;
  clientGone = false;
  onClientGone: (() => void) | null = null;
  bytesIn = 0;
  bytesOut = 0;
  upstreamLatencyMs: number | null = null;
  errorKind: Call['errorKind'] = null;
  /** The API's pipeline, once route-match found the API. */
  pipeline: Pipeline | null = null;
  #abort: AbortController | null = null;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly snapshot: Call['snapshot'],
    trustProxyHops: number,
  ) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const offered = req.headers['x-request-id'];
    // The call's id is the gateway's own: it keys the call log and goes upstream, so a client choosing it could
    // collide with or impersonate another call. A proxy the operator trusts (TRUST_PROXY_HOPS) may set it.
    this.clientRequestId = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : null;
    this.requestId = trustProxyHops > 0 && this.clientRequestId ? this.clientRequestId : randomUUID();
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

  writeHead(status: number, headers: OutgoingHttpHeaders): void {
    this.res.writeHead(status, this.responseHead(headers));
  }

  /** The API's response halves, last policy first, then X-Request-Id. A tunnel's 101 goes through it too. */
  responseHead(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
    const pipeline = this.pipeline;
    if (pipeline) for (const hook of pipeline.response) hook(this as RoutedCall, headers);
    headers['x-request-id'] = this.requestId;
    return headers;
  }

  /** The client left: stop whatever is in flight for it. */
  gone(): void {
    this.clientGone = true;
    this.#abort?.abort();
    this.onClientGone?.();
  }
}
