// The upstream half of an HTTP/1.1 Upgrade (WebSocket): one handshake to one target, its socket opened through
// the same outbound guard as the pools (security/outbound.ts), within the API's timeout; then the two sockets
// spliced, counting bytes each way.
import { type Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export type Handshake =
  | { upgraded: true; res: IncomingMessage; socket: Socket; head: Buffer }
  | { upgraded: false; res: IncomingMessage };

export interface HandshakeOptions {
  path: string;
  headers: Record<string, string | string[]>;
  /** The guard's agent for http: targets (address checks at connect time, literals included). */
  agent?: Agent;
  /** The guard's lookup, for https: targets (the agent above speaks plain HTTP only). */
  lookup?: LookupFunction;
  timeoutMs: number;
  signal: AbortSignal;
}

export function handshake(origin: string, o: HandshakeOptions): Promise<Handshake> {
  const url = new URL(origin);
  const tls = url.protocol === 'https:';
  const request = tls ? httpsRequest : httpRequest;
  return new Promise<Handshake>((resolve, reject) => {
    const req = request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      method: 'GET',
      path: o.path,
      headers: o.headers,
      // A tunnel owns its socket for its whole life: no pool to return it to (the guard's agent keeps none).
      ...(o.agent && !tls ? { agent: o.agent } : { agent: false, ...(o.lookup ? { lookup: o.lookup } : {}) }),
      signal: o.signal,
    });
    // Named as undici's, so HTTP and tunnels map a slow upstream to the same 504.
    const timer = setTimeout(
      () =>
        req.destroy(
          Object.assign(new Error('the upstream did not answer the upgrade'), {
            code: 'UND_ERR_HEADERS_TIMEOUT',
          }),
        ),
      o.timeoutMs,
    );
    req.once('upgrade', (res, socket: Socket, head) => {
      clearTimeout(timer);
      resolve({ upgraded: true, res, socket, head });
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve({ upgraded: false, res });
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

export interface SpliceCounts {
  /** Client → upstream bytes. */
  bytesIn: number;
  /** Upstream → client bytes. */
  bytesOut: number;
}

/** Why a tunnel ended: null when a side closed it cleanly, else which side broke. */
export type TunnelEnd = null | 'client_abort' | 'upstream_reset';

/**
 * Relays both ways until both sockets close; an end on one side ends the other (the peer's close frame has
 * been relayed by then), an error on one side destroys the other. Resolves once, when both are closed.
 */
export function splice(
  client: Duplex,
  upstream: Socket,
  heads: { client: Buffer; upstream: Buffer },
  counts: SpliceCounts,
): Promise<TunnelEnd> {
  return new Promise<TunnelEnd>((resolve) => {
    let end: TunnelEnd = null;
    let open = 2;
    const closed = () => {
      if (--open === 0) resolve(end);
    };
    const half = (from: Duplex, to: Duplex, count: (n: number) => void, fault: Exclude<TunnelEnd, null>) => {
      from.on('data', (chunk: Buffer) => count(chunk.length));
      from.once('error', () => {
        end ??= fault;
        to.destroy();
      });
      from.once('close', () => {
        // Whatever the closed side sent is written or buffered; give the other side a moment to flush.
        to.end();
        setTimeout(() => to.destroy(), 1000).unref();
        closed();
      });
      from.pipe(to);
    };
    upstream.setNoDelay(true);
    upstream.setTimeout(0);
    if (heads.upstream.length) {
      counts.bytesOut += heads.upstream.length;
      client.write(heads.upstream);
    }
    if (heads.client.length) {
      counts.bytesIn += heads.client.length;
      upstream.write(heads.client);
    }
    half(client, upstream, (n) => (counts.bytesIn += n), 'client_abort');
    half(upstream, client, (n) => (counts.bytesOut += n), 'upstream_reset');
  });
}
