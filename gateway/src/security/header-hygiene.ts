// Request headers removed before any handler sees them, on every path (data plane, admin, WebSocket upgrades):
// spellings an upstream would read as a header the gateway owns, and client-IP claims nobody trusted vetted.
import type { IncomingMessage } from 'node:http';
import { CLIENT_IP_HEADERS } from '../data-plane/client-ip.js';
import { GATEWAY_OWNED, HOP_BY_HOP, IDENTITY_PREFIX } from '../upstream/headers.js';

export type UnderscoreHeaders = 'all' | 'owned';

export interface HeaderHygiene {
  /** `all` (nginx's default): every name with an underscore goes; `owned`: only variants of the names below. */
  underscores: UnderscoreHeaders;
  /** TRUST_PROXY_HOPS: with a trusted proxy in front, its client-IP headers are kept. */
  trustProxyHops: number;
}

/**
 * Names the gateway reads or writes. CGI-style servers (WSGI, PHP, Rack) map `x_api_key` and `x-api-key` alike to
 * HTTP_X_API_KEY, so an underscore spelling of any of these would reach the upstream as the real thing.
 */
const OWNED = new Set([
  ...HOP_BY_HOP,
  ...GATEWAY_OWNED,
  ...CLIENT_IP_HEADERS,
  'content-length',
  'expect',
  'authorization',
]);
const CLIENT_IP = new Set(CLIENT_IP_HEADERS);

function ownedSpelling(name: string): boolean {
  const dashed = name.replaceAll('_', '-');
  return OWNED.has(dashed) || dashed.startsWith(IDENTITY_PREFIX);
}

/**
 * Removes, from req.headers (what every handler and the forwarder read):
 * - names with an underscore (all of them, or only those spelling an owned name);
 * - client-IP headers, unless a trusted proxy is in front;
 * - `Expect`: the server answers it itself (server.ts), and undici refuses to send it.
 */
export function cleanRequestHeaders(req: IncomingMessage, hygiene: HeaderHygiene): void {
  const headers = req.headers;
  const keepClientIp = hygiene.trustProxyHops > 0;
  for (const name in headers) {
    if (name.includes('_')) {
      if (hygiene.underscores === 'all' || ownedSpelling(name)) delete headers[name];
    } else if (!keepClientIp && CLIENT_IP.has(name)) delete headers[name];
  }
  delete headers.expect;
}
