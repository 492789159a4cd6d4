// The parts of an upstream request HTTP forwarding and WebSocket tunnels share: path and body shape.
import type { IncomingHttpHeaders } from 'node:http';
import type { RoutedCall } from '../data-plane/call.js';
import type { ResolvedTarget } from './upstreams.js';

export function hasRequestBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  if (length !== undefined) return length !== '0';
  return headers['transfer-encoding'] !== undefined;
}

/** The upstream path: the target's own path, then what follows the API's base path, then the query. */
export function upstreamPath(call: RoutedCall, target: ResolvedTarget): string {
  const base = call.api.basePath;
  const rest = base === '/' ? call.path : call.path.slice(base.length);
  const path = target.basePath + rest;
  return (path === '' ? '/' : path) + call.search;
}
