// Forwards the call to one of the API's targets with undici, streaming both bodies, and maps upstream faults
// to 502/504. A connect failure of a body-less idempotent request is retried on another target.

import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { RoutedCall } from '../../data-plane/call.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { clientResponseHeaders, upstreamHeadersOf } from '../../upstream/headers.js';
import { hasRequestBody, upstreamPath } from '../../upstream/request.js';
import type { ResolvedTarget, Upstreams } from '../../upstream/upstreams.js';
import { definePolicy, type Hooks } from '../policy.js';

const NO_TARGET = 'this API has no upstream target';
const ALL_OPEN = 'every upstream target of this API is failing; calls resume after a cool-down';
const REFUSED = 'the upstream refused or dropped the connection';
const TIMED_OUT = (ms: number) => `the upstream did not answer within ${ms} ms`;

// RFC 9110 §9.2.2: these can be repeated without changing the outcome.
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
// A reused keep-alive socket the upstream closed as we wrote to it: nothing was processed, so an idempotent,
// body-less request may go again (RFC 9110 §9.2.2).
const RESET_ERRORS = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
const TIMEOUT_ERRORS = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// What undici refuses about the request itself (a header value, a path, a length it will not send): the client's
// doing. Such a failure answers 400 and never counts against the upstream's circuit breaker, or any key holder
// could open the breaker of an origin for every tenant on it.
const CLIENT_CAUSED = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);
const LOOP = 'the upstream target leads back to this gateway';
const UNFORWARDABLE = 'the request carries something that cannot be forwarded';

// An answer undici or node cannot read or write on: too large a head, a wrong length, a bad header character.
const BAD_ANSWER = new Set([
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_INFO',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
]);

/** Failures that are the upstream's: only these count against its breaker. */
function upstreamFault(code: string): boolean {
  return (
    CONNECT_ERRORS.has(code) ||
    RESET_ERRORS.has(code) ||
    TIMEOUT_ERRORS.has(code) ||
    BAD_ANSWER.has(code) ||
    code.startsWith('HPE_')
  );
}

function codeOf(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? '';
}

function forwardHooks(upstreams: Upstreams): Hooks {
  return {
    async request(call: RoutedCall) {
      const { api, req } = call;
      const method = req.method ?? 'GET';
      const body = call.body;
      // Without the body policy in the chain, the body goes as it comes.
      const stream = body ? body.stream : hasRequestBody(req.headers) ? req : null;
      const retryable = !stream && IDEMPOTENT.has(method);
      const headers = upstreamHeadersOf(call);

      const tried = new Set<ResolvedTarget>();
      for (let attempt = 0; ; attempt++) {
        const target = upstreams.pick(api, tried);
        if (!target) {
          if (!upstreams.has(api)) throw new GatewayError('upstream_unavailable', NO_TARGET);
          call.errorKind = 'upstream_circuit_open';
          throw new GatewayError('upstream_unavailable', ALL_OPEN);
        }
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
          const code = codeOf(err);
          if (CLIENT_CAUSED.has(code)) {
            call.errorKind = 'bad_request';
            throw new GatewayError('bad_request', UNFORWARDABLE);
          }
          if (upstreamFault(code)) upstreams.breakers.failed(target.breaker);
          // The outbound guard found the target is the gateway itself (security/outbound.ts).
          if (code === 'EUPSTREAMLOOP') {
            call.errorKind = 'loop_detected';
            throw new GatewayError('loop_detected', LOOP);
          }
          if (retryable && (CONNECT_ERRORS.has(code) || RESET_ERRORS.has(code)) && attempt < api.retries)
            continue;
          if (TIMEOUT_ERRORS.has(code)) {
            call.errorKind = 'upstream_timeout';
            throw new GatewayError('upstream_timeout', TIMED_OUT(api.timeoutMs));
          }
          call.errorKind = CONNECT_ERRORS.has(code) ? 'upstream_refused' : 'upstream_reset';
          throw new GatewayError('upstream_unavailable', REFUSED);
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
