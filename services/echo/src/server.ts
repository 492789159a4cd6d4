// The echo backend: a plain node:http server that reflects requests and simulates faults for the gateway's tests.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { EchoError, writeProblem } from './errors.js';
import {
  drop,
  LIMITS,
  resetMidResponse,
  sendBytes,
  sendEventStream,
  sendStatus,
  waitUnlessClosed,
  wholeNumber,
  writeJson,
} from './faults.js';
import { type Query, readBody, splitTarget } from './request.js';

export interface EchoServerOptions {
  /** Called for every request and WebSocket upgrade before it is handled, e.g. to count what reached the backend. */
  onRequest?: (req: http.IncomingMessage) => void;
  /** The echoed `body` holds at most this many bytes; `bodyBytes` always counts all of them. Default 1 MiB. */
  maxEchoBodyBytes?: number;
}

const optionsSchema = z.strictObject({
  onRequest: z.custom<(req: http.IncomingMessage) => void>((v) => typeof v === 'function').optional(),
  maxEchoBodyBytes: z
    .int()
    .min(0)
    .default(1024 * 1024),
});

/** What every echoed request answers with. */
export interface EchoReply {
  method: string;
  /** The path as received: not normalised, not percent-decoded, without the query. */
  path: string;
  /** Each query parameter once as a string, or as an array when repeated. */
  query: Query;
  /** Node's view of the request headers: lower-case names. */
  headers: http.IncomingHttpHeaders;
  /** The body as UTF-8, cut at `maxEchoBodyBytes`. */
  body: string;
  /** The full body length in bytes. */
  bodyBytes: number;
}

const ROUTE = {
  status: /^\/status\/([^/]*)$/,
  delay: /^\/delay\/([^/]*)$/,
  bytes: /^\/bytes\/([^/]*)$/,
} as const;

/**
 * An http.Server whose close() also ends open WebSockets: upgraded sockets are no longer
 * HTTP requests, so http.Server.close() would otherwise wait for them forever.
 */
class EchoServer extends http.Server {
  constructor(
    listener: http.RequestListener,
    private readonly sockets: WebSocketServer,
  ) {
    super(listener);
  }

  override close(callback?: (err?: Error) => void): this {
    for (const client of this.sockets.clients) client.terminate();
    return super.close(callback);
  }
}

/** Creates the echo server, not yet listening: call `.listen(port)` (port 0 in tests). */
export function createEchoServer(options: EchoServerOptions = {}): http.Server {
  const { onRequest, maxEchoBodyBytes } = optionsSchema.parse(options);

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { path, query } = splitTarget(req.url ?? '/');
    if (path === '/drop') return drop(req);
    if (path === '/reset-mid') return resetMidResponse(res);

    // Every other route reads the body first, so the connection stays reusable.
    const body = await readBody(req, maxEchoBodyBytes);
    if (path === '/healthz') return writeJson(res, 200, { status: 'ok' });
    if (path === '/stream') return sendEventStream(res, query);
    if (path === '/ws') throw new EchoError('UPGRADE_REQUIRED', '/ws accepts WebSocket upgrades only');
    let found = ROUTE.status.exec(path);
    if (found) return sendStatus(res, wholeNumber('status code', found[1], 200, 599));
    found = ROUTE.bytes.exec(path);
    if (found) return sendBytes(res, wholeNumber('byte count', found[1], 0, LIMITS.maxBytes));
    found = ROUTE.delay.exec(path);
    if (found && !(await waitUnlessClosed(res, wholeNumber('delay ms', found[1], 0, LIMITS.maxDelayMs)))) {
      return;
    }
    const reply: EchoReply = {
      method: req.method ?? 'GET',
      path,
      query,
      headers: req.headers,
      body: body.text,
      bodyBytes: body.bytes,
    };
    writeJson(res, 200, reply);
  }

  const sockets = new WebSocketServer({ noServer: true });
  sockets.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });

  const server = new EchoServer((req, res) => {
    onRequest?.(req);
    route(req, res).catch((error: unknown) => {
      // A client that left mid-request leaves nothing to answer.
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      writeProblem(res, error instanceof EchoError ? error : new EchoError('INTERNAL', String(error)));
    });
  }, sockets);

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    onRequest?.(req);
    if (splitTarget(req.url ?? '/').path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });
  return server;
}
