// Upstream faults as clients see them: refused → 502, slow → 504, reset mid-body → a cut connection (never a
// complete-looking answer), idle keep-alive closes → invisible; and the circuit breaker per target.
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test-support/free-port.js';
import {
  type Echo,
  listen,
  metricsText,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { bodyOf, headersOf, rawExchange } from '../test-support/raw-http.js';

const COOLDOWN_MS = 400;
let echo: Echo;
let gw: TestGateway;

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway({ BREAKER_FAILURES: 3, BREAKER_COOLDOWN_MS: COOLDOWN_MS });
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

/** A raw TCP server; `sockets` lets the test close what it accepted. */
async function rawServer(
  onSocket: (s: Socket) => void,
): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    server,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe('upstream faults', () => {
  it('refused connections → 502 at once, not after the connect timeout', async () => {
    const s = await seedKeyedApi(gw.admin, {
      targets: [{ url: `http://127.0.0.1:${await freePort()}` }],
      basePath: '/refused',
      retries: 0,
    });
    const started = Date.now();
    const res = await fetch(`${gw.url}/refused`, { headers: { 'x-api-key': s.key } });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { code: string }).code).toBe('upstream_unavailable');
    // A correctness bound, not a speed figure: the connect timeout is 5 s.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("slow upstream → 504 at the API's timeout", async () => {
    const s = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      basePath: '/slow',
      timeoutMs: 300,
    });
    const started = Date.now();
    const res = await fetch(`${gw.url}/slow/delay/3000`, { headers: { 'x-api-key': s.key } });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({
      code: 'upstream_timeout',
      detail: 'the upstream did not answer within 300 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reset mid-response (content-length) → the client gets a short body and a closed connection', async () => {
    const s = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/reset' });
    const reply = await rawExchange(gw.port, [
      head(['GET /reset/reset-mid HTTP/1.1', 'Host: a', `x-api-key: ${s.key}`]),
    ]);
    expect(reply.status).toBe(200);
    expect(reply.closed).toBe(true);
    expect(headersOf(reply.text)['content-length']).toBe('1024');
    expect(bodyOf(reply.text).length).toBeLessThan(1024);
  });

  it('reset mid-response (chunked) → closed without the last chunk, so it never looks complete', async () => {
    const upstream = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial ');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const url = await listen(upstream);
    try {
      const s = await seedKeyedApi(gw.admin, { targets: [{ url }], basePath: '/reset-chunked' });
      const reply = await rawExchange(gw.port, [
        head(['GET /reset-chunked HTTP/1.1', 'Host: a', `x-api-key: ${s.key}`]),
      ]);
      expect(reply.status).toBe(200);
      expect(reply.closed).toBe(true);
      expect(headersOf(reply.text)['transfer-encoding']).toBe('chunked');
      expect(bodyOf(reply.text)).toBe('partial ');
      expect(reply.text.endsWith('0\r\n\r\n')).toBe(false);
    } finally {
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });

  it('an upstream closing idle keep-alive sockets without notice → no client sees an error', async () => {
    // Answers each request, then closes the socket after 15 ms idle, without a Keep-Alive hint to warn undici.
    const upstream = await rawServer((socket) => {
      let idle: NodeJS.Timeout | undefined;
      socket.on('data', () => {
        clearTimeout(idle);
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
        idle = setTimeout(() => socket.end(), 15);
      });
    });
    try {
      const s = await seedKeyedApi(gw.admin, {
        targets: [{ url: `http://127.0.0.1:${upstream.port}` }],
        basePath: '/idle',
        retries: 1,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 150; i++) {
        // Sweep the gap across the upstream's idle timeout so some calls land as it closes.
        await new Promise((r) => setTimeout(r, i % 30));
        const res = await fetch(`${gw.url}/idle`, { headers: { 'x-api-key': s.key } });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      expect(statuses.filter((x) => x !== 200)).toEqual([]);
    } finally {
      await upstream.close();
    }
  });
});

describe('circuit breaker', () => {
  it('opens after 3 consecutive failures, sends everything to the live target, probes after the cool-down', async () => {
    const deadPort = await freePort();
    const dead = `http://127.0.0.1:${deadPort}`;
    const s = await seedKeyedApi(gw.admin, {
      targets: [{ url: dead }, { url: echo.url }],
      basePath: '/breaker',
      retries: 0,
    });
    // POST: never retried, so every pick of the dead target shows.
    const post = async () => {
      const res = await fetch(`${gw.url}/breaker`, {
        method: 'POST',
        headers: { 'x-api-key': s.key },
        body: 'x',
      });
      await res.arrayBuffer();
      return res.status;
    };
    const first: number[] = [];
    for (let i = 0; i < 6; i++) first.push(await post());
    expect(first).toEqual([502, 200, 502, 200, 502, 200]);
    const echoBefore = echo.seen.length;
    const open: number[] = [];
    for (let i = 0; i < 20; i++) open.push(await post());
    expect(open.every((x) => x === 200)).toBe(true);
    expect(echo.seen.length - echoBefore).toBe(20);

    // After the cool-down one call probes the dead target, fails, and it is skipped again.
    await new Promise((r) => setTimeout(r, COOLDOWN_MS + 50));
    const probe: number[] = [];
    for (let i = 0; i < 6; i++) probe.push(await post());
    expect(probe.filter((x) => x === 502).length).toBe(1);

    // The target comes back: the next probe closes the breaker and both targets share the calls again.
    const revived = createHttpServer((_req, res) => res.end('revived'));
    await new Promise<void>((r) => revived.listen(deadPort, '127.0.0.1', r));
    try {
      await new Promise((r) => setTimeout(r, COOLDOWN_MS + 50));
      const bodies: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${gw.url}/breaker`, {
          method: 'POST',
          headers: { 'x-api-key': s.key },
          body: 'x',
        });
        expect(res.status).toBe(200);
        bodies.push((await res.text()) === 'revived' ? 'dead-target' : 'echo');
      }
      expect(bodies.filter((b) => b === 'dead-target').length).toBeGreaterThanOrEqual(2);
      const metrics = await metricsText(gw);
      expect(metrics).toContain(`gateway_circuit_opened_total{target="${dead}"} 1`);
    } finally {
      revived.closeAllConnections();
      await new Promise((r) => revived.close(r));
    }
  });

  it('with every target open, calls fail fast without touching the upstream', async () => {
    let connections = 0;
    const resetter = await rawServer((socket) => {
      connections++;
      socket.destroy();
    });
    try {
      const s = await seedKeyedApi(gw.admin, {
        targets: [{ url: `http://127.0.0.1:${resetter.port}` }],
        basePath: '/all-open',
        retries: 0,
      });
      const details: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${gw.url}/all-open`, { headers: { 'x-api-key': s.key } });
        expect(res.status).toBe(502);
        details.push(((await res.json()) as { detail: string }).detail);
      }
      expect(connections).toBe(3);
      expect(details.slice(3)).toEqual(
        Array(3).fill('every upstream target of this API is failing; calls resume after a cool-down'),
      );
    } finally {
      await resetter.close();
    }
  });
});
