// The client's address: the socket peer, unless the operator says how many proxies in front are trusted.
import type { IncomingMessage } from 'node:http';

/**
 * Headers that name the client's address by one convention or another (CDNs, load balancers, nginx). An
 * upstream may believe any of them, so a client may not write them: they are removed from every request unless
 * a trusted proxy is in front (TRUST_PROXY_HOPS > 0), whose job it then is to set or clear them.
 * X-Forwarded-For is not here: the gateway rewrites it (forwardedForOf).
 */
export const CLIENT_IP_HEADERS: readonly string[] = [
  'forwarded',
  'x-real-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'cf-connecting-ipv6',
  'fastly-client-ip',
  'akamai-client-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'x-originating-ip',
  'x-remote-ip',
  'x-remote-addr',
  'x-forwarded',
  'forwarded-for',
  'client-ip',
  'x-envoy-external-address',
  'x-azure-clientip',
  'x-appengine-user-ip',
];

function chainOf(header: string | string[]): string[] {
  return (Array.isArray(header) ? header.join(',') : header).split(',').map((s) => s.trim());
}

export function clientIpOf(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? '';
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  if (!header) return peer;
  const chain = chainOf(header);
  // Each trusted proxy appended one entry; the one before them is what the outermost trusted proxy saw.
  return chain[chain.length - trustedHops] ?? chain[0] ?? peer;
}

/**
 * The X-Forwarded-For the upstream gets: the client IP as the gateway determined it, the trusted proxies after
 * it, then the peer. Entries a client wrote itself are dropped, so an upstream reading the leftmost entry
 * cannot be lied to either.
 */
export function forwardedForOf(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? '';
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  if (!header) return peer;
  const chain = chainOf(header);
  return [...chain.slice(-trustedHops), peer].join(', ');
}
