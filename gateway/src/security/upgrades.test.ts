// Issue 11, class 2: every WebSocket upgrade ends its socket on every outcome (an upstream declining the
// upgrade, with or without bytes after the head, a client that never closes its side), tunnels are bounded
// per client IP and in all, and shutdown does not wait on open tunnels forever.
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  listen,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { cleanCall, expectRecovered, head, openFds } from '../test-support/hostile.js';
import { rawExchange } from '../test-support/raw-http.js';
import { connectRaw } from '../test-support/transport.js';

let echo: Echo;
let decliner: Server;
let gw: TestGateway;
let echoKey: string;
let declineKey: string;
let baseline: number;

const clean = () => cleanCall(gw.url, echoKey);

beforeAll(async () => {
  echo = await startEcho();
  // Declines every upgrade in one of several ways, chosen by the path.
  decliner = createServer((req, res) => {
    if (req.url?.includes('chunked')) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.write('no ');
      res.end('upgrade');
    } else if (req.url?.includes('close')) {
      res.writeHead(426, { connection: 'close', upgrade: 'websocket' });
      res.end('upgrade required');
    } else res.end('plain answer');
  });
  const declinerUrl = await listen(decliner);
  gw = await startTestGateway({ TRUST_PROXY_HOPS: 1 });
  echoKey = (await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }] })).key;
  declineKey = (await seedKeyedApi(gw.admin, { targets: [{ url: declinerUrl }], basePath: '/decline' })).key;
  await clean();
  baseline = openFds();
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  decliner?.closeAllConnections();
  await new Promise((r) => decliner?.close(r));
});

afterEach(() => expectRecovered(baseline, clean));

const upgrade = (path: string, key: string, extra: string[] = []) =>
  head([
    `GET ${path} HTTP/1.1`,
    'Host: a',
    `x-api-key: ${key}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...extra,
  ]);

describe('declined upgrades end the socket', () => {
  it.each([
    ['a 200 with a length', '/decline/plain', '', 200],
    ['a chunked 400', '/decline/chunked', '', 400],
    ['a 426 that closes', '/decline/close', '', 426],
    [
      'a 200, with bytes after the head',
      '/decline/plain',
      'GET /decline/smuggled HTTP/1.1\r\nHost: a\r\n\r\n',
      200,
    ],
  ])(
    '%s: relayed, then closed by the gateway although the client never closes',
    async (_n, path, after, status) => {
      const reply = await rawExchange(gw.port, [upgrade(path, declineKey) + after], { deadlineMs: 4000 });
      expect(reply.status).toBe(status);
      expect(reply.closed).toBe(true);
    },
  );

  it('60 declined upgrades at once leave the descriptors at their baseline', async () => {
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        rawExchange(
          gw.port,
          [upgrade('/decline/plain', declineKey, [`X-Forwarded-For: 10.0.${i}.1`]) + 'bytes after the head'],
          { deadlineMs: 6000 },
        ),
      ),
    );
    expect(replies.map((r) => [r.status, r.closed])).toEqual(replies.map(() => [200, true]));
  });
});

/** Opens a tunnel to echo's WebSocket and holds it; resolves with the socket and the status line's code. */
function hold(port: number, key: string, forwardedFor: string): Promise<{ socket: Socket; status: number }> {
  return new Promise((resolve) => {
    const socket = connectRaw(port);
    socket.on('error', () => {});
    socket.once('data', (d: Buffer) =>
      resolve({ socket, status: Number(d.toString('latin1').slice(9, 12)) }),
    );
    socket.write(upgrade('/echo/ws', key, [`X-Forwarded-For: ${forwardedFor}`]));
  });
}

describe('tunnels are bounded', () => {
  it('per client IP (429) and in all (503), and a closed tunnel frees its place', async () => {
    const own = await startTestGateway({ TRUST_PROXY_HOPS: 1, MAX_UPGRADES_PER_IP: 3, MAX_UPGRADES: 5 });
    const key = (await seedKeyedApi(own.admin, { targets: [{ url: echo.url }] })).key;
    const open = (ip: string) => hold(own.port, key, ip);
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const t = await open('10.1.0.1');
        expect(t.status).toBe(101);
        held.push(t.socket);
      }
      const fourth = await open('10.1.0.1');
      expect(fourth.status).toBe(429);
      held.push(fourth.socket);
      for (let i = 0; i < 2; i++) {
        const t = await open(`10.2.0.${i}`);
        expect(t.status).toBe(101);
        held.push(t.socket);
      }
      const sixth = await open('10.3.0.1');
      expect(sixth.status).toBe(503);
      held.push(sixth.socket);
      // One tunnel of the first client closes: it may open one again.
      held[0]!.destroy();
      await expect
        .poll(async () => {
          const t = await open('10.1.0.1');
          held.push(t.socket);
          return t.status;
        })
        .toBe(101);
    } finally {
      for (const s of held) s.destroy();
      await own.stop();
    }
  });
});

describe('shutdown', () => {
  it('ends open tunnels after the grace period instead of waiting on them', async () => {
    const own = await startTestGateway({ SHUTDOWN_GRACE_MS: 200 });
    const key = (await seedKeyedApi(own.admin, { targets: [{ url: echo.url }] })).key;
    const socket = connectRaw(own.port);
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    await new Promise<void>((r) => {
      socket.once('data', () => r());
      socket.write(upgrade('/echo/ws', key));
    });
    await own.stop();
    await closed;
    expect(socket.destroyed).toBe(true);
  });
});
