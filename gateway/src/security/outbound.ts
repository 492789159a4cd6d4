// One guard for every socket the gateway opens towards something a tenant wrote (REST targets, WebSocket
// upgrades, AI provider base URLs; webhooks are to use it too): the URL is checked when it is written, and the
// address when the socket connects — IP literals and names alike, since node skips `lookup` for literals.
// Loops the address cannot reveal (a name for this host behind a proxy, another replica) are caught by the
// Via hop the gateway adds and refuses to see again (508). See docs/decisions/0004-ssrf-guard.md.
import { createHmac } from 'node:crypto';
import type { lookup as dnsLookup } from 'node:dns';
import { type AgentOptions, Agent as HttpAgent } from 'node:http';
import { isIP, type NetConnectOpts, createConnection as netConnect, Socket } from 'node:net';
import { buildConnector } from 'undici';
import {
  addressRefusal,
  allowList,
  createSsrfGuard,
  guardedLookup,
  ownAddresses,
  parseAllow,
} from './ssrf.js';

const REFUSED = 'EUPSTREAMFORBIDDEN';
const LOOP = 'EUPSTREAMLOOP';

export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
  constructor(
    readonly code: typeof REFUSED | typeof LOOP,
    message: string,
  ) {
    super(message);
  }
}

export interface OutboundGuardOptions {
  /** UPSTREAM_ALLOW, as configured. */
  allow: string;
  /** The listen address. */
  host: string;
  /** Makes the deployment's Via pseudonym: replicas sharing it share the pseudonym, so loops between them show. */
  secret: string;
  /** The DNS behind the guarded lookup (tests give it a zone of their own). */
  resolve?: typeof dnsLookup;
}

export class OutboundGuard {
  readonly #allow: string[];
  readonly #host: string;
  readonly #own = ownAddresses();
  readonly #allowed: ReturnType<typeof parseAllow>['allowed'];
  /** The gateway's own port, once it listens: before that, only metadata addresses are refused. */
  #selfPort = -1;
  #selfPorts = new Set<number>();
  #checkUrl: (url: string) => string | null = () => null;
  /** Resolves names for outbound sockets, dropping metadata addresses (ssrf.ts). */
  readonly lookup: ReturnType<typeof guardedLookup>;
  /** `1.1 <pseudonym>`: what the gateway appends to Via on every call it forwards. */
  readonly via: string;
  readonly #pseudonym: string;

  constructor(options: OutboundGuardOptions) {
    this.#allow = allowList(options.allow);
    this.#host = options.host;
    this.#allowed = parseAllow(this.#allow).allowed;
    this.lookup = guardedLookup(this.#allow, options.resolve);
    const id = createHmac('sha256', options.secret).update('gateway-kit via').digest('hex').slice(0, 12);
    this.#pseudonym = `gateway-kit-${id}`;
    this.via = `1.1 ${this.#pseudonym}`;
  }

  /** Called once the server listens: the self-loop checks need the real port. */
  listening(port: number, ...more: number[]): void {
    this.#selfPort = port;
    this.#selfPorts = new Set([port, ...more]);
    // Every port the gateway listens on is a loop (the admin listener's most of all: an SSRF into the admin API).
    const checks = [port, ...more].map((p) =>
      createSsrfGuard({ host: this.#host, port: p, allow: this.#allow }),
    );
    this.#checkUrl = (url) => {
      for (const check of checks) {
        const reason = check(url);
        if (reason) return reason;
      }
      return null;
    };
  }

  /** Write-time check of a URL a tenant wrote: the reason it is refused, or null. */
  checkUrl(url: string): string | null {
    return this.#checkUrl(url);
  }

  /** Connect-time check of the address a socket is about to use, or did use. */
  refusal(address: string, port: number): OutboundRefused | null {
    const reason = addressRefusal(address, port, {
      allowed: this.#allowed,
      own: this.#own,
      selfPort: this.#selfPorts.has(port) ? port : this.#selfPort,
    });
    if (!reason) return null;
    return new OutboundRefused(reason.self ? LOOP : REFUSED, `${address}:${port}: ${reason.message}`);
  }

  /** True when a Via header shows the call already went through this deployment. */
  looped(via: string | undefined): boolean {
    if (!via) return false;
    for (const hop of via.split(',')) if (hop.trim().split(/\s+/)[1] === this.#pseudonym) return true;
    return false;
  }

  /**
   * undici's `connect` option: a literal host is checked before connecting (node never calls `lookup` for it),
   * a name is resolved through `lookup`, and the address actually connected to is checked before undici writes
   * a byte (a name resolving to this host on the gateway's own port is a loop).
   */
  connector(timeoutMs: number): buildConnector.connector {
    const base = buildConnector({ timeout: timeoutMs, lookup: this.lookup });
    return (options, callback) => {
      const port = Number(options.port || (options.protocol === 'https:' ? 443 : 80));
      const literal = options.hostname.replace(/^\[|\]$/g, '');
      const early = isIP(literal) ? this.refusal(literal, port) : null;
      if (early) return callback(early, null);
      base(options, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('no socket'), null);
        const late = this.refusal(socket.remoteAddress ?? '', socket.remotePort ?? port);
        if (late) {
          socket.destroy();
          return callback(late, null);
        }
        callback(null, socket);
      });
    };
  }

  /** A node:http agent with the same checks, for clients built on node:http (http-proxy's WebSocket upgrades). */
  httpAgent(options: AgentOptions = {}): HttpAgent {
    const guard = this;
    return new (class GuardedAgent extends HttpAgent {
      override createConnection(opts: NetConnectOpts): Socket {
        const { host = 'localhost', port = 80 } = opts as { host?: string; port?: number };
        const literal = host.replace(/^\[|\]$/g, '');
        const early = isIP(literal) ? guard.refusal(literal, Number(port)) : null;
        if (early) {
          // Never connected: the request fails with the refusal.
          const unconnected = new Socket();
          process.nextTick(() => unconnected.destroy(early));
          return unconnected;
        }
        const socket = netConnect({ ...opts, lookup: guard.lookup } as NetConnectOpts);
        // Registered before node:http's own 'connect' listener writes the request head, so a refused socket
        // is destroyed before a byte leaves.
        socket.once('connect', () => {
          const late = guard.refusal(socket.remoteAddress ?? '', socket.remotePort ?? Number(port));
          if (late) socket.destroy(late);
        });
        return socket;
      }
    })(options);
  }
}
