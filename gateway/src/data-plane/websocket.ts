// WebSocket upgrades: the same route, key and subscription policies run first; then http-proxy-middleware
// splices the sockets. Refusals are written as ordinary problem+json responses on the raw socket.
import type { Agent, IncomingMessage } from 'node:http';
import { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { GatewayError } from '../errors/gateway-error.js';
import { upstreamHeadersOf } from '../upstream/headers.js';
import { hasRequestBody, upstreamPath } from '../upstream/request.js';
import type { Upstreams } from '../upstream/upstreams.js';
import type { RoutedCall } from './call.js';
import type { DataPlane } from './handler.js';

const NOT_WEBSOCKET = 'only WebSocket upgrades are supported';
const NOT_TUNNELLED = 'this API is served by the gateway itself and takes no WebSocket upgrade';
const UPGRADE_BODY = 'an upgrade request may not carry a body';
const NO_TARGET = 'this API has no upstream target';

type WsProxy = ReturnType<typeof createProxyMiddleware>;

export interface WebSocketOptions {
  /** The request phase (route, auth, subscription, limits) is the data plane's: an upgrade is one call. */
  dataPlane: DataPlane;
  upstreams: Upstreams;
  /** Opens upstream sockets through the outbound guard (security/outbound.ts). */
  agent?: Agent;
}

/** Ends the socket once written out, and destroys it if the peer does not take the bytes within a second. */
function endSoon(socket: Duplex): void {
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
}

export function createUpgradeHandler(options: WebSocketOptions) {
  const proxies = new Map<string, WsProxy>();
  const proxyFor = (origin: string): WsProxy => {
    let proxy = proxies.get(origin);
    if (!proxy) {
      proxy = createProxyMiddleware({
        target: origin,
        ws: true,
        changeOrigin: true,
        ...(options.agent ? { agent: options.agent } : {}),
        logger: undefined,
        on: {
          error: (_err, _req, socket) => (socket as Duplex).destroy(),
          // A declined upgrade (no 101): http-proxy relays the answer and ends the socket, which a client that
          // never closes its side would keep half-open forever. The socket goes when the answer is through.
          proxyReqWs: (proxyReq, _req, socket) =>
            proxyReq.on('response', (answer) => {
              if (answer.statusCode !== 101) answer.once('close', () => endSoon(socket as Duplex));
            }),
        },
      });
      proxies.set(origin, proxy);
    }
    return proxy;
  };

  return async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    res.shouldKeepAlive = false;
    const call = options.dataPlane.newCall(req, res);
    try {
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
        throw new GatewayError('bad_request', NOT_WEBSOCKET);
      // Bytes after the head would be relayed into the tunnel unchecked (or, if the upstream declines the
      // upgrade, read by it as a second request nobody authorized): refuse the shape outright.
      if (hasRequestBody(req.headers)) throw new GatewayError('bad_request', UPGRADE_BODY);
      if (!(await options.dataPlane.admit(call))) return;
      const api = call.api!;
      // AI and prompt APIs are answered by the gateway itself; there is no upstream to tunnel to.
      if (api.kind !== 'rest') throw new GatewayError('bad_request', NOT_TUNNELLED);
      const target = options.upstreams.pick(api);
      if (!target) throw new GatewayError('upstream_unavailable', NO_TARGET);
      const headers = upstreamHeadersOf(call as RoutedCall);
      // The handshake needs its own hop-by-hop pair back; everything else is the cleaned set.
      req.headers = { ...headers, connection: 'Upgrade', upgrade: 'websocket' } as IncomingMessage['headers'];
      req.url = upstreamPath(call as RoutedCall, target);
      res.detachSocket(socket as never);
      proxyFor(target.origin).upgrade(req, socket as never, head);
    } catch (err) {
      res.setHeader('connection', 'close');
      options.dataPlane.refuse(call, err);
      res.on('finish', () => socket.destroy());
    }
  };
}
