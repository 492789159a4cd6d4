// One node:http server per process: admin and ops paths go to express, everything else to the data plane.
// Requests the gateway will not handle are refused here, before either sees them (security/framing.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { SecureContextOptions } from 'node:tls';
import { securityHeaders } from './admin/headers.js';
import { clientIpOf } from './data-plane/client-ip.js';
import { GatewayError } from './errors/gateway-error.js';
import { problemOf, sendProblem } from './errors/problem.js';
import { refusalOf } from './security/framing.js';
import { cleanRequestHeaders, type HeaderHygiene } from './security/header-hygiene.js';
import { normalizeTarget } from './security/request-target.js';
import type { SniCallback } from './security/tls-sni.js';

export interface ServerParts {
  /** /admin/*, /console/*, /healthz, /readyz, /metrics */
  control: (req: IncomingMessage, res: ServerResponse) => void;
  data: (req: IncomingMessage, res: ServerResponse) => void;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export interface ServerOptions extends HeaderHygiene {
  /** The whole header block must arrive within this (slowloris), whatever the trickle rate. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (slow uploads). */
  requestTimeoutMs: number;
  /** Header fields a request may carry (MAX_REQUEST_HEADERS). */
  maxHeaders: number;
  /** WebSocket tunnels open at once: in all, and per client IP (MAX_UPGRADES, MAX_UPGRADES_PER_IP). */
  maxUpgrades: number;
  maxUpgradesPerIp: number;
  /** Loop detection (security/outbound.ts): the Via hop the gateway adds, and refuses to see again. */
  hop?: { via: string; looped(via: string | undefined): boolean };
  /**
   * Serve TLS (security/tls.ts): the certificate and key; whether client certificates are asked for (mTLS
   * APIs check them per API, so an unverified one is still let through the handshake); the HSTS max-age.
   */
  tls?: Pick<SecureContextOptions, 'cert' | 'key'> & {
    requestCert: boolean;
    hstsMaxAge: number;
    /** Picks a certificate by the client's server name (TLS_SNI_DIR, security/tls-sni.ts). */
    sni?: SniCallback;
  };
  /**
   * What this listener answers (ADMIN_PORT): `all` (one listener), `data` (the data plane and health checks;
   * admin, console and metrics paths are 404 here) or `control` (those, and health checks; the rest is 404).
   */
  serves?: 'all' | 'data' | 'control';
}

const DEFAULTS: ServerOptions = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
  maxHeaders: 100,
  maxUpgrades: 10_000,
  maxUpgradesPerIp: 100,
  underscores: 'all',
  trustProxyHops: 0,
};

const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const HEALTH_PATHS = new Set(['/healthz', '/readyz']);
const NOT_HERE = 'no route on this listener';

/** True when the path is not served by a listener of this role (ADMIN_PORT splits them). */
function elsewhere(url: string, serves: ServerOptions['serves'], control: boolean): boolean {
  if (serves === 'all' || serves === undefined) return false;
  const q = url.indexOf('?');
  if (HEALTH_PATHS.has(q === -1 ? url : url.slice(0, q))) return false;
  return serves === 'data' ? control : !control;
}

export function isControlPath(url: string): boolean {
  if (url.startsWith('/admin/') || url === '/admin') return true;
  if (url.startsWith('/console/') || url === '/console') return true;
  if (url.startsWith('/portal/') || url === '/portal') return true;
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
const UPGRADES_FULL = 'the gateway holds as many WebSocket connections as it may; retry later';
const UPGRADES_PER_IP = 'this client holds as many WebSocket connections as it may';
const EXPECTATION = 'the only expectation supported is 100-continue';
const LOOPED = 'this request already passed through this gateway: an upstream target leads back to it';

/** Writes a whole response on a raw socket and closes it; a client that never reads does not keep the socket. */
function endRaw(socket: Duplex, status: number, title: string, body: string, headers = ''): void {
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${headers}${SECURITY_LINES}connection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Upgraded sockets of each server, so shutdown can end them (node's closeAllConnections does not). */
const upgradedSockets = new WeakMap<Server, Set<Duplex>>();

/** Ends every WebSocket tunnel of the server: at shutdown, once the grace period is over. */
export function closeUpgrades(server: Server): void {
  for (const socket of upgradedSockets.get(server) ?? []) socket.destroy();
}

/**
 * Sockets that had a request refused. Node parses pipelined requests as they arrive and emits each at once, so
 * a request behind a refused one would otherwise be dispatched although the refusal closes the connection.
 */
const refusedSockets = new WeakSet<Duplex>();

function refuse(req: IncomingMessage, res: ServerResponse, error: GatewayError): void {
  refusedSockets.add(req.socket);
  // Read nothing more from it; what was already parsed is dropped by the check in `handle`.
  req.socket.pause();
  res.shouldKeepAlive = false;
  for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
  res.setHeader('connection', 'close');
  sendProblem(res, error);
}

/**
 * `Expect: 100-continue`: the interim 100 goes out when a handler starts reading the body, that is once the
 * policies have accepted the call; a refusal before that closes the connection, since the client may still be
 * holding the body back. Node calls `_read` on the first read of any kind (pipe, data listener, read()).
 */
function continueWhenRead(req: IncomingMessage, res: ServerResponse): void {
  const keepAlive = res.shouldKeepAlive;
  res.shouldKeepAlive = false;
  const read = req._read;
  req._read = function continueThenRead(this: IncomingMessage, size: number) {
    req._read = read;
    if (!res.headersSent) {
      res.writeContinue();
      res.shouldKeepAlive = keepAlive;
    }
    return read.call(this, size);
  };
}

export function createGatewayServer(parts: ServerParts, overrides: Partial<ServerOptions> = {}): Server {
  const options: ServerOptions = { ...DEFAULTS, ...overrides };
  const { hop } = options;

  const refusalFor = (req: IncomingMessage): GatewayError | null =>
    refusalOf(req, options) ??
    (hop?.looped(req.headers.via) ? new GatewayError('loop_detected', LOOPED) : null);

  /** What every accepted request gets before a handler sees it: clean headers, and this gateway's Via hop. */
  function prepare(req: IncomingMessage): void {
    req.url = normalizeTarget(req.url ?? '/');
    cleanRequestHeaders(req, options);
    if (hop) req.headers.via = req.headers.via ? `${req.headers.via}, ${hop.via}` : hop.via;
  }

  function handle(req: IncomingMessage, res: ServerResponse, expect: 'none' | 'continue' | 'other'): void {
    if (refusedSockets.has(req.socket)) return;
    const refusal =
      refusalFor(req) ?? (expect === 'other' ? new GatewayError('expectation_failed', EXPECTATION) : null);
    if (refusal) {
      refuse(req, res, refusal);
      return;
    }
    prepare(req);
    if (hsts) res.setHeader('strict-transport-security', hsts);
    if (expect === 'continue') continueWhenRead(req, res);
    const control = isControlPath(req.url ?? '/');
    if (elsewhere(req.url ?? '/', options.serves, control)) {
      for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
      sendProblem(res, new GatewayError('route_not_found', NOT_HERE));
    } else if (control) parts.control(req, res);
    else parts.data(req, res);
  }

  const httpOptions = {
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    // node checks both timeouts on this tick (30 s by default): a fraction of the shorter one keeps them honest.
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(options.headersTimeoutMs / 4))),
    keepAliveTimeout: 65_000,
    maxHeaderSize: 16 * 1024,
  };
  const { tls } = options;
  const hsts = tls && tls.hstsMaxAge > 0 ? `max-age=${tls.hstsMaxAge}` : null;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => handle(req, res, 'none');
  // An https.Server is a tls.Server with node:http's request handling: every event below works the same.
  const server: Server = tls
    ? (createTlsServer(
        {
          ...httpOptions,
          cert: tls.cert,
          key: tls.key,
          requestCert: tls.requestCert,
          rejectUnauthorized: false,
          ...(tls.sni ? { SNICallback: tls.sni } : {}),
        },
        onRequest,
      ) as unknown as Server)
    : createServer(httpOptions, onRequest);
  // Node keeps only the first 2,000 header fields by default and silently drops the rest, checks included;
  // unlimited here (the 16 KiB header size still bounds them), and refusalOf counts them against maxHeaders.
  server.maxHeadersCount = 0;
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => handle(req, res, 'continue'));
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => handle(req, res, 'other'));

  const upgraded = new Set<Duplex>();
  upgradedSockets.set(server, upgraded);
  const upgradesByIp = new Map<string, number>();

  function upgradeRefusal(ip: string): GatewayError | null {
    if (upgraded.size >= options.maxUpgrades) return new GatewayError('upgrades_unavailable', UPGRADES_FULL);
    if ((upgradesByIp.get(ip) ?? 0) >= options.maxUpgradesPerIp)
      return new GatewayError('too_many_upgrades', UPGRADES_PER_IP);
    return null;
  }

  /** Counts the socket until it closes, whatever closes it. */
  function track(socket: Duplex, ip: string): void {
    upgraded.add(socket);
    upgradesByIp.set(ip, (upgradesByIp.get(ip) ?? 0) + 1);
    socket.once('close', () => {
      upgraded.delete(socket);
      const left = (upgradesByIp.get(ip) ?? 1) - 1;
      if (left > 0) upgradesByIp.set(ip, left);
      else upgradesByIp.delete(ip);
    });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (refusedSockets.has(socket)) return void socket.destroy();
    const ip = clientIpOf(req, options.trustProxyHops);
    const refusal =
      refusalFor(req) ??
      upgradeRefusal(ip) ??
      (options.serves === 'control' ? new GatewayError('route_not_found', NOT_HERE) : null);
    if (refusal) {
      refusedSockets.add(socket);
      const extra = Object.entries(refusal.extra.headers ?? {})
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      return endRaw(socket, refusal.status, refusal.title, JSON.stringify(problemOf(refusal)), extra);
    }
    track(socket, ip);
    prepare(req);
    parts.upgrade(req, socket, head);
  });
  // A malformed or too slow request never reaches a handler (or is cut off in one): answer if the response has
  // not started, and close either way.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const pending = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (!socket.writable || err.code === 'ECONNRESET' || pending?.headersSent) return socket.destroy();
    const status = STATUS_OF[err.code ?? ''] ?? 400;
    const title = TITLES[status]!;
    endRaw(socket, status, title, JSON.stringify({ type: 'about:blank', title, status, detail: title }));
  });
  return server;
}
