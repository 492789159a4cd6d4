// The client's address: the socket peer, unless the operator says how many proxies in front are trusted.
import type { IncomingMessage } from 'node:http';

export function clientIpOf(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? '';
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  if (!header) return peer;
  const chain = (Array.isArray(header) ? header.join(',') : header).split(',').map((s) => s.trim());
  // Each trusted proxy appended one entry; the one before them is what the outermost trusted proxy saw.
  return chain[chain.length - trustedHops] ?? chain[0] ?? peer;
}
