// One node:http server per process: admin and ops paths go to express, everything else to the data plane.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface ServerParts {
  /** /admin/*, /healthz, /readyz, /metrics */
  control: (req: IncomingMessage, res: ServerResponse) => void;
  data: (req: IncomingMessage, res: ServerResponse) => void;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function isControlPath(url: string): boolean {
  if (url.startsWith('/admin/') || url === '/admin') return true;
  const q = url.indexOf('?');
  return OPS_PATHS.has(q === -1 ? url : url.slice(0, q));
}

export function createGatewayServer(parts: ServerParts): Server {
  const server = createServer(
    {
      // Slowloris: the whole header block must arrive within this, whatever the trickle rate.
      headersTimeout: 20_000,
      requestTimeout: 120_000,
      keepAliveTimeout: 65_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      if (isControlPath(req.url ?? '/')) parts.control(req, res);
      else parts.data(req, res);
    },
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    parts.upgrade(req, socket, head);
  });
  // A malformed request (bad framing, oversized headers) never reaches a handler: answer and close.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const title =
      status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    const body = JSON.stringify({ type: 'about:blank', title, status, detail: title });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
