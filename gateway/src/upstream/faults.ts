// Picking a target and naming what went wrong with it, the same way for HTTP forwarding and WebSocket tunnels:
// a breaker-open or target-less API is a 502, a connect or reset fault a 502, a timeout a 504, what undici will
// not send a 400, a target leading back to the gateway a 508. Only the upstream's own faults count against its
// breaker.
import type { RoutedCall } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ResolvedTarget, Upstreams } from './upstreams.js';

const NO_TARGET = 'this API has no upstream target';
const ALL_OPEN = 'every upstream target of this API is failing; calls resume after a cool-down';
const REFUSED = 'the upstream refused or dropped the connection';
const TIMED_OUT = (ms: number) => `the upstream did not answer within ${ms} ms`;
const LOOP = 'the upstream target leads back to this gateway';
const UNFORWARDABLE = 'the request carries something that cannot be forwarded';

export const CONNECT_ERRORS = new Set([
  // The outbound guard refused the address (security/outbound.ts): no connection was made.
  'EUPSTREAMFORBIDDEN',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
// A reused keep-alive socket the upstream closed as we wrote to it: nothing was processed, so an idempotent,
// body-less request may go again (RFC 9110 §9.2.2).
export const RESET_ERRORS = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
export const TIMEOUT_ERRORS = new Set([
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

// An answer undici or node cannot read or write on: too large a head, a wrong length, a bad header character.
const BAD_ANSWER = new Set([
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_INFO',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
]);

export function codeOf(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? '';
}

/** The next target for this call, skipping those tried and those whose breaker is open; else a 502. */
export function pickTarget(
  upstreams: Upstreams,
  call: RoutedCall,
  tried: ReadonlySet<ResolvedTarget>,
): ResolvedTarget {
  const target = upstreams.pick(call.api, tried);
  if (target) return target;
  if (!upstreams.has(call.api)) throw new GatewayError('upstream_unavailable', NO_TARGET);
  call.errorKind = 'upstream_circuit_open';
  throw new GatewayError('upstream_unavailable', ALL_OPEN);
}

/**
 * Failures that are the upstream's: only these count against its breaker. The guard's refusals are not: the
 * address is the tenant's configuration, refused before any connection was made.
 */
export function upstreamFault(err: unknown): boolean {
  const code = codeOf(err);
  if (code === 'EUPSTREAMFORBIDDEN') return false;
  return (
    CONNECT_ERRORS.has(code) ||
    RESET_ERRORS.has(code) ||
    TIMEOUT_ERRORS.has(code) ||
    BAD_ANSWER.has(code) ||
    code.startsWith('HPE_')
  );
}

/** May this fault be retried on another target (the request was not processed)? */
export function retryable(err: unknown): boolean {
  const code = codeOf(err);
  return CONNECT_ERRORS.has(code) || RESET_ERRORS.has(code);
}

/** The answer to an upstream fault, its kind noted on the call. */
export function upstreamFailure(call: RoutedCall, err: unknown): GatewayError {
  const code = codeOf(err);
  if (CLIENT_CAUSED.has(code)) {
    call.errorKind = 'bad_request';
    return new GatewayError('bad_request', UNFORWARDABLE);
  }
  // The outbound guard found the target is the gateway itself (security/outbound.ts).
  if (code === 'EUPSTREAMLOOP') {
    call.errorKind = 'loop_detected';
    return new GatewayError('loop_detected', LOOP);
  }
  if (TIMEOUT_ERRORS.has(code)) {
    call.errorKind = 'upstream_timeout';
    return new GatewayError('upstream_timeout', TIMED_OUT(call.api.timeoutMs));
  }
  call.errorKind = CONNECT_ERRORS.has(code) ? 'upstream_refused' : 'upstream_reset';
  return new GatewayError('upstream_unavailable', REFUSED);
}
