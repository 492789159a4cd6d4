// Forwards the call to one of the API's targets with undici, streaming both bodies, and maps upstream faults
// to 502/504. A connect failure of a body-less idempotent request is retried on another target.

import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { RoutedCall } from '../../data-plane/call.js';
import { pickTarget, retryable, upstreamFailure, upstreamFault } from '../../upstream/faults.js';
import { clientResponseHeaders, upstreamHeadersOf } from '../../upstream/headers.js';
import { hasRequestBody, upstreamPath } from '../../upstream/request.js';
import type { ResolvedTarget, Upstreams } from '../../upstream/upstreams.js';
import { definePolicy, type Hooks } from '../policy.js';

// RFC 9110 §9.2.2: these can be repeated without changing the outcome.
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

function forwardHooks(upstreams: Upstreams): Hooks {
  return {
    async request(call: RoutedCall) {
      const { api, req } = call;
      const method = req.method ?? 'GET';
      const body = call.body;
      // Without the body policy in the chain, the body goes as it comes.
      const stream = body ? body.stream : hasRequestBody(req.headers) ? req : null;
      const canRetry = !stream && IDEMPOTENT.has(method);
      const headers = upstreamHeadersOf(call);

      const tried = new Set<ResolvedTarget>();
      for (let attempt = 0; ; attempt++) {
        const target = pickTarget(upstreams, call, tried);
        tried.add(target);
        let outcome: ExchangeOutcome;
        try {
          outcome = await exchange(call, target, {
            method,
            path: upstreamPath(call, target),
            headers,
            body: stream,
          });
        } catch (err) {
          if (call.clientGone) {
            call.errorKind = 'client_abort';
            return;
          }
          // The body policy cut the request body: its answer, not an upstream fault.
          if (body?.failure) throw body.failure;
          if (upstreamFault(err)) upstreams.breakers.failed(target.breaker);
          if (canRetry && retryable(err) && attempt < api.retries) continue;
          throw upstreamFailure(call, err);
        }
        if (outcome === 'complete') upstreams.breakers.succeeded(target.breaker);
        else if (outcome === 'client_gone') call.errorKind = 'client_abort';
        else {
          // Headers are gone; the client's socket was destroyed, so a cut body never looks complete.
          call.errorKind = 'upstream_reset';
          upstreams.breakers.failed(target.breaker);
        }
        return;
      }
    },
  };
}

export const forward = definePolicy({
  name: 'forward',
  phase: 'serve',
  create: ({ upstreams }) => {
    const hooks = forwardHooks(upstreams);
    return { bind: (api) => (api.kind === 'rest' ? hooks : null) };
  },
});

type ExchangeOutcome = 'complete' | 'client_gone' | 'cut';

interface ExchangeRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: Readable | null;
}

/**
 * One upstream exchange through undici's dispatch API, written straight to the client: no response stream
 * object and no stream.pipeline per call (pipeline alone made an AbortController and a DOMException per call).
 * Rejects when no response started (the caller may retry or answer 502/504); once headers went to the client,
 * resolves with how the body ended.
 */
function exchange(
  call: RoutedCall,
  target: ResolvedTarget,
  request: ExchangeRequest,
): Promise<ExchangeOutcome> {
  const { api } = call;
  return new Promise<ExchangeOutcome>((resolve, reject) => {
    target.pool.dispatch(
      {
        method: request.method as Dispatcher.HttpMethod,
        path: request.path,
        headers: request.headers,
        body: request.body,
        headersTimeout: api.timeoutMs,
        bodyTimeout: api.timeoutMs,
      },
      new ExchangeHandler(call, resolve, reject),
    );
  });
}

/**
 * The dispatch handler of one exchange. undici keeps finished requests (and so their handlers) in a
 * connection's queue until it compacts it, which can be seconds under light load: every reference to the
 * call is dropped when the exchange ends, so the call's objects die young instead of being promoted.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  #call: RoutedCall | null;
  #resolve: ((outcome: ExchangeOutcome) => void) | null;
  #reject: ((err: Error) => void) | null;
  #controller: Dispatcher.DispatchController | null = null;
  #started = false;
  readonly #sentAt = performance.now();
  readonly #resume = () => this.#controller?.resume();

  constructor(call: RoutedCall, resolve: (outcome: ExchangeOutcome) => void, reject: (err: Error) => void) {
    this.#call = call;
    this.#resolve = resolve;
    this.#reject = reject;
    call.onClientGone = () => this.#controller?.abort(new ClientGone());
  }

  onRequestStart(c: Dispatcher.DispatchController): void {
    this.#controller = c;
    if (this.#call?.clientGone) c.abort(new ClientGone());
  }

  onResponseStart(
    c: Dispatcher.DispatchController,
    statusCode: number,
    upstreamHeaders: Record<string, string | string[] | undefined>,
  ): void {
    const call = this.#call;
    if (!call || statusCode < 200) return; // 1xx: informational, the final answer follows
    call.upstreamLatencyMs = performance.now() - this.#sentAt;
    try {
      call.writeHead(statusCode, clientResponseHeaders(upstreamHeaders));
    } catch (err) {
      // A header node refuses to write (bad characters): nothing was sent, answer 502.
      c.abort(err as Error);
      return;
    }
    this.#started = true;
    call.res.on('drain', this.#resume);
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    const call = this.#call;
    if (!call) return;
    call.bytesOut += chunk.length;
    if (!call.res.write(chunk)) c.pause();
  }

  onResponseEnd(): void {
    const call = this.#call;
    const resolve = this.#resolve;
    if (!call || !resolve) return;
    this.#release(call);
    call.res.end();
    resolve('complete');
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    const call = this.#call;
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (!call || !resolve || !reject) return;
    this.#release(call);
    if (!this.#started) {
      reject(call.clientGone ? new ClientGone() : err);
      return;
    }
    call.res.destroy();
    resolve(call.clientGone || err instanceof ClientGone ? 'client_gone' : 'cut');
  }

  #release(call: RoutedCall): void {
    call.onClientGone = null;
    call.res.off('drain', this.#resume);
    this.#call = null;
    this.#resolve = null;
    this.#reject = null;
    this.#controller = null;
  }
}

class ClientGone extends Error {
  override name = 'ClientGone';
  constructor() {
    super('the client closed the connection');
  }
}
