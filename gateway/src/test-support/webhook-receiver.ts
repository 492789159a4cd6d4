// A real webhook receiver for tests: node:http on a loopback port, recording what arrived; it can go down and
// come back on the same port (a receiver outage).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Short poll and retry settings for webhook tests (from config: nothing in the tests measures time). */
export const FAST = {
  WEBHOOK_POLL_MS: 20,
  WEBHOOK_RETRY_BASE_MS: 50,
  WEBHOOK_RETRY_MAX_MS: 200,
  WEBHOOK_KEY_CHECK_MS: 20,
  UPSTREAM_ALLOW: '127.0.0.1',
};

export class Receiver {
  readonly received: Received[] = [];
  #server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Listens on `port` (0: any free one, remembered for later restarts). */
  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The bodies received, parsed. */
  events(): { id: string; type: string; tenantId: string; data: any }[] {
    return this.received.map((r) => JSON.parse(r.body));
  }
}

/** Polls `check` until it returns a value (not undefined), failing with `what` after `ms`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
