// WebSocket upgrades: one call each. The request phase is the data plane's (route, auth, subscription, limits);
// the upstream is picked, guarded and broken like an HTTP forward (upstream/); the sockets are spliced
// (upstream/tunnel.ts), and the call's one record is written when the tunnel closes, with its bytes each way.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../errors/gateway-error.js';
import { pickTarget, retryable, upstreamFailure, upstreamFault } from '../upstream/faults.js';
import { clientResponseHeaders, upstreamHeadersOf } from '../upstream/headers.js';
import { hasRequestBody, upstreamPath } from '../upstream/request.js';
import { type Handshake, handshake, splice } from '../upstream/tunnel.js';
import type { ResolvedTarget, Upstreams } from '../upstream/upstreams.js';
import type { RoutedCall } from './call.js';
import type { CallState } from './call-state.js';
import type { DataPlane } from './handler.js';
import { recordOf } from './record.js';

const NOT_WEBSOCKET = 'only WebSocket upgrades are supported';
const NOT_TUNNELLED = 'this API is served by the gateway itself and takes no WebSocket upgrade';
const UPGRADE_BODY = 'an upgrade request may not carry a body';
const SWITCHING = 101;

export interface WebSocketOptions {
  /** The request phase (route, auth, subscription, limits) is the data plane's: an upgrade is one call. */
  dataPlane: DataPlane;
  upstreams: Upstreams;
}

/** Ends the socket once written out, and destroys it if the peer does not take the bytes within a second. */
function endSoon(socket: Duplex): void {
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** A response head as raw HTTP/1.1 lines: the 101 goes straight onto the socket the tunnel then owns. */
function rawHead(status: number, headers: OutgoingHttpHeaders): string {
  let head = `HTTP/1.1 ${status} Switching Protocols\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
  }
  return `${head}\r\n`;
}

export function createUpgradeHandler(options: WebSocketOptions) {
  const { dataPlane, upstreams } = options;

  /** The handshake with the first target that answers, as forward does: breakers, retries on connect faults. */
  async function connect(call: RoutedCall): Promise<Handshake> {
    const headers = upstreamHeadersOf(call);
    // The handshake needs its own hop-by-hop pair back; everything else is the cleaned set.
    headers.connection = 'Upgrade';
    headers.upgrade = 'websocket';
    const tried = new Set<ResolvedTarget>();
    for (let attempt = 0; ; attempt++) {
      const target = pickTarget(upstreams, call, tried);
      tried.add(target);
      const sentAt = performance.now();
      try {
        const answer = await handshake(target.origin, {
          path: upstreamPath(call, target),
          headers,
          ...upstreams.connect,
          timeoutMs: call.api.timeoutMs,
          signal: call.abort.signal,
        });
        call.upstreamLatencyMs = performance.now() - sentAt;
        upstreams.breakers.succeeded(target.breaker);
        return answer;
      } catch (err) {
        if (call.clientGone) throw err;
        if (upstreamFault(err)) upstreams.breakers.failed(target.breaker);
        if (retryable(err) && attempt < call.api.retries) continue;
        throw upstreamFailure(call, err);
      }
    }
  }

  /** The upstream declined the upgrade: its answer is the call's, through the API's response halves. */
  function relay(call: CallState, answer: IncomingMessage): void {
    answer.once('error', () => call.res.destroy());
    // A client leaving mid-answer stops the upstream's too (its socket is the call's alone: agent: false).
    call.res.once('close', () => answer.destroy());
    answer.on('data', (chunk: Buffer) => (call.bytesOut += chunk.length));
    call.writeHead(answer.statusCode ?? 502, clientResponseHeaders(answer.headers));
    answer.pipe(call.res);
  }

  async function tunnel(
    call: CallState,
    socket: Duplex,
    head: Buffer,
    answer: Handshake & { upgraded: true },
  ) {
    const headers = clientResponseHeaders(answer.res.headers);
    headers.connection = 'Upgrade';
    headers.upgrade = answer.res.headers.upgrade ?? 'websocket';
    socket.write(rawHead(SWITCHING, call.responseHead(headers)));
    call.errorKind = await splice(socket, answer.socket, { client: head, upstream: answer.head }, call);
    dataPlane.record(call, recordOf(call, SWITCHING));
  }

  return async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    res.shouldKeepAlive = false;
    const call = dataPlane.newCall(req, res);
    let tunnelled = false;
    // Every upgrade that does not become a tunnel (refused, declined, abandoned) is recorded when its socket
    // closes; a tunnel records itself when it ends.
    socket.once('close', () => {
      if (tunnelled) return;
      if (!res.writableFinished) call.gone();
      dataPlane.record(call);
    });
    // A refused or declined upgrade ends its socket once the answer is through, even if the client never
    // closes its side (it would otherwise stay half-open for good).
    res.once('finish', () => endSoon(socket));
    try {
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
        throw new GatewayError('bad_request', NOT_WEBSOCKET);
      // Bytes after the head would be relayed into the tunnel unchecked (or, if the upstream declines the
      // upgrade, read by it as a second request nobody authorized): refuse the shape outright.
      if (hasRequestBody(req.headers)) throw new GatewayError('bad_request', UPGRADE_BODY);
      if (!(await dataPlane.admit(call))) return;
      const routed = call as RoutedCall;
      // AI and prompt APIs are answered by the gateway itself; there is no upstream to tunnel to.
      if (routed.api.kind !== 'rest') throw new GatewayError('bad_request', NOT_TUNNELLED);
      const answer = await connect(routed);
      if (call.clientGone) {
        (answer.upgraded ? answer.socket : answer.res).destroy();
        return;
      }
      if (!answer.upgraded) return relay(call, answer.res);
      tunnelled = true;
      res.detachSocket(socket as never);
      await tunnel(call, socket, head, answer);
    } catch (err) {
      if (call.clientGone) {
        call.errorKind ??= 'client_abort';
        socket.destroy();
        return;
      }
      res.setHeader('connection', 'close');
      dataPlane.refuse(call, err);
    }
  };
}
