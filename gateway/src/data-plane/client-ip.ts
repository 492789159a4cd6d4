// The client's address: the socket peer, unless the operator says how many proxies in front are trusted.
import type { IncomingMessage } from 'node:http';

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
