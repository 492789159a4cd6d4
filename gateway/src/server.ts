// One node:http server per process: admin and ops paths go to express, everything else to the data plane.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { securityHeaders } from './admin/headers.js';
import { GatewayError } from './errors/gateway-error.js';
import { sendProblem } from './errors/problem.js';
import { framingProblem } from './security/framing.js';

export interface ServerParts {
  /** /admin/*, /console/*, /healthz, /readyz, /metrics */
  control: (req: IncomingMessage, res: ServerResponse) => void;
  data: (req: IncomingMessage, res: ServerResponse) => void;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface ServerTimeouts {
  /** The whole header block must arrive within this (slowloris), whatever the trickle rate. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (slow uploads). */
  requestTimeoutMs: number;
}

const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function isControlPath(url: string): boolean {
  if (url.startsWith('/admin/') || url === '/admin') return true;
  if (url.startsWith('/console/') || url === '/console') return true;
  const q = url.indexOf('?');
  return OPS_PATHS.has(q === -1 ? url : url.slice(0, q));
}

// Refusals written before routing may answer an admin path: they carry the admin API's security headers.
const SECURITY_LINES = Object.entries(securityHeaders)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

const STATUS_OF: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

export function createGatewayServer(
  parts: ServerParts,
  timeouts: ServerTimeouts = { headersTimeoutMs: 20_000, requestTimeoutMs: 120_000 },
): Server {
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      // node checks both timeouts on this tick (30 s by default): a fraction of the shorter one keeps them honest.
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(timeouts.headersTimeoutMs / 4))),
      keepAliveTimeout: 65_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      const framing = framingProblem(req.headers, req.rawHeaders);
      if (framing) {
        // The body's extent is unknown, so the connection cannot carry another request.
        res.shouldKeepAlive = false;
        for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
        return sendProblem(
          res,
          new GatewayError('bad_request', framing, { headers: { connection: 'close' } }),
        );
      }
      if (isControlPath(req.url ?? '/')) parts.control(req, res);
      else parts.data(req, res);
    },
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    parts.upgrade(req, socket, head);
  });
  // A malformed or too slow request never reaches a handler (or is cut off in one): answer if the response has
  // not started, and close either way.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const pending = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!socket.writable || err.code === 'ECONNRESET' || pending?.headersSent) return socket.destroy();
    const status = STATUS_OF[err.code ?? ''] ?? 400;
    const title = TITLES[status]!;
    const body = JSON.stringify({ type: 'about:blank', title, status, detail: title });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${SECURITY_LINES}connection: close\r\n\r\n${body}`,
    );
    // end() waits for the peer; a client that never reads must not keep the socket.
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  return server;
}
