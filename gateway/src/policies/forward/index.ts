// Forwards the call to one of the API's targets with undici, streaming both bodies, and maps upstream faults
// to 502/504. A connect failure of a body-less idempotent request is retried on another target.

import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import type { Call, Step } from '../../data-plane/call.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { BodyLimitExceeded, LimitedBody, tooLarge } from '../body-limit/index.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { ResolvedTarget, Upstreams } from './upstreams.js';

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

export const errorKinds = {
  refused: 'upstream_refused',
  timeout: 'upstream_timeout',
  reset: 'upstream_reset',
  clientAbort: 'client_abort',
  bodyTooLarge: 'body_too_large',
  circuitOpen: 'upstream_circuit_open',
} as const;

function codeOf(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? '';
}

export function hasRequestBody(headers: Call['req']['headers']): boolean {
  const length = headers['content-length'];
  if (length !== undefined) return length !== '0';
  return headers['transfer-encoding'] !== undefined;
}

/** The upstream path: the target's own path, then what follows the API's base path, then the query. */
export function upstreamPath(call: Call, target: ResolvedTarget): string {
  const base = call.api!.basePath;
  const rest = base === '/' ? call.path : call.path.slice(base.length);
  const path = target.basePath + rest;
  return (path === '' ? '/' : path) + call.search;
}

export function forward(upstreams: Upstreams): Step {
  return async function forward(call: Call) {
    const api = call.api!;
    if (api.kind !== 'rest') return; // answered by the AI step (ai/)
    const { req, res } = call;
    const method = req.method ?? 'GET';
    const withBody = hasRequestBody(req.headers);
    let body: LimitedBody | null = null;
    if (withBody) {
      body = new LimitedBody(api.maxBodyBytes);
      req.pipe(body);
    }
    const retryable = !withBody && IDEMPOTENT.has(method);
    const headers = upstreamRequestHeaders(req.headers, {
      requestId: call.requestId,
      forwardedFor: call.forwardedFor,
      proto: 'http',
      dropAuthorization: api.auth === 'key' && req.headers['x-api-key'] === undefined,
      identity:
        call.app && call.subscription
          ? { tenant: call.app.tenantId, app: call.app.id, subscription: call.subscription.id }
          : null,
    });

    const tried = new Set<ResolvedTarget>();
    for (let attempt = 0; ; attempt++) {
      const target = upstreams.pick(api, tried);
      if (!target) {
        if (!upstreams.has(api)) throw new GatewayError('upstream_unavailable', NO_TARGET);
        call.errorKind = errorKinds.circuitOpen;
        throw new GatewayError('upstream_unavailable', ALL_OPEN);
      }
      tried.add(target);
      const sentAt = performance.now();
      let upstream: Awaited<ReturnType<typeof target.pool.request>>;
      try {
        upstream = await target.pool.request({
          method,
          path: upstreamPath(call, target),
          headers,
          body,
          signal: call.abort.signal,
          headersTimeout: api.timeoutMs,
          bodyTimeout: api.timeoutMs,
        });
      } catch (err) {
        if (call.abort.signal.aborted) {
          call.errorKind = errorKinds.clientAbort;
          return;
        }
        if (err instanceof BodyLimitExceeded || (body && body.bytes > api.maxBodyBytes)) {
          call.errorKind = errorKinds.bodyTooLarge;
          throw tooLarge(api.maxBodyBytes);
        }
        const code = codeOf(err);
        upstreams.breakers.failed(target.breaker);
        if (retryable && (CONNECT_ERRORS.has(code) || RESET_ERRORS.has(code)) && attempt < api.retries)
          continue;
        if (TIMEOUT_ERRORS.has(code)) {
          call.errorKind = errorKinds.timeout;
          throw new GatewayError('upstream_timeout', TIMED_OUT(api.timeoutMs));
        }
        call.errorKind = CONNECT_ERRORS.has(code) ? errorKinds.refused : errorKinds.reset;
        throw new GatewayError('upstream_unavailable', REFUSED);
      }
      upstreams.breakers.succeeded(target.breaker);
      call.upstreamLatencyMs = performance.now() - sentAt;
      if (body) call.bytesIn = body.bytes;
      res.writeHead(
        upstream.statusCode,
        clientResponseHeaders(
          upstream.headers,
          { ...call.responseHeaders, 'x-request-id': call.requestId },
          api.settings.cors !== undefined,
        ),
      );
      upstream.body.on('data', (chunk: Buffer) => {
        call.bytesOut += chunk.length;
      });
      try {
        await pipeline(upstream.body, res);
      } catch {
        // Headers are gone; pipeline has destroyed the client's socket, so a cut body never looks complete.
        if (call.abort.signal.aborted) call.errorKind = errorKinds.clientAbort;
        else {
          call.errorKind = errorKinds.reset;
          upstreams.breakers.failed(target.breaker);
        }
      }
      return;
    }
  };
}
