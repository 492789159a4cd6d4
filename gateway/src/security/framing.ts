// Request checks node's parser leaves to us, made before any handler (or the upgrade path) sees a request.
// The parser already refuses CL+TE, conflicting lengths, bare CR, obs-fold and oversized chunk extensions.
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';

const UNKNOWN_CODING = 'the only transfer coding accepted is chunked';
const HTTP10_CODING = 'an HTTP/1.0 request may not carry Transfer-Encoding';
const DUPLICATE_HOST = 'the request has more than one Host header';
const BAD_HOST = 'the Host header is not a valid host[:port]';
const VERSION = 'only HTTP/1.0 and HTTP/1.1 are spoken here';
const TOO_MANY = (max: number) => `the request has more than ${max} header fields`;
const NO_TRACE = 'TRACE is not allowed: it would echo the gateway-added headers to the client';
/** What 405 answers list (RFC 9110 §15.5.6): the methods an API may be called with. */
export const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

// RFC 3986 §3.2.2-3: IP-literal, or a reg-name of unreserved, pct-encoded and sub-delims, then an optional port.
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9\-._~!$&'()*+,;=])*)(?::[0-9]*)?$/;

/**
 * Why a request must be refused before any handler sees it, or null when its framing is sound.
 * RFC 9112 §6.1: a coding the gateway cannot decode ("gzip, chunked") would reach the upstream re-framed and
 * mislabelled, and Transfer-Encoding in HTTP/1.0 means faulty framing; §3.2: a request with several Host fields
 * gets a 400, since two hops could pick different ones.
 */
export function framingProblem(
  headers: { 'transfer-encoding'?: string | undefined },
  rawHeaders: string[],
  httpVersion = '1.1',
): string | null {
  const te = headers['transfer-encoding'];
  if (te !== undefined && te.toLowerCase() !== 'chunked') return UNKNOWN_CODING;
  if (te !== undefined && httpVersion === '1.0') return HTTP10_CODING;
  let hosts = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (++hosts > 1) return DUPLICATE_HOST;
      if (!HOST.test(rawHeaders[i + 1]!)) return BAD_HOST;
    }
  }
  return null;
}

export interface RequestLimits {
  /** Header fields a request may carry (MAX_REQUEST_HEADERS); node is told to keep them all, so all are checked. */
  maxHeaders: number;
}

/**
 * The refusal for a request the gateway will not handle, or null. Every such refusal closes the connection
 * (server.ts): after one, nothing else the client sent on it is trusted.
 */
export function refusalOf(req: IncomingMessage, limits: RequestLimits): GatewayError | null {
  // llhttp accepts HTTP/0.9 and HTTP/2.0 request lines and refuses other versions itself.
  if (req.httpVersionMajor !== 1) return new GatewayError('http_version_not_supported', VERSION);
  if (req.rawHeaders.length / 2 > limits.maxHeaders)
    return new GatewayError('too_many_headers', TOO_MANY(limits.maxHeaders));
  const framing = framingProblem(req.headers, req.rawHeaders, req.httpVersion);
  if (framing) return new GatewayError('bad_request', framing);
  if (req.method === 'TRACE')
    return new GatewayError('method_not_allowed', NO_TRACE, { headers: { allow: ALLOWED_METHODS } });
  return null;
}
