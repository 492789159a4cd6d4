// Clients that leave mid-request or mid-response: the upstream request is aborted at once, and 10,000 such
// calls leave no sockets or heap behind (bounds are generous; docs/security.md has the measured figures).
import { readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  listen,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { connectRaw } from '../test-support/transport.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let echo: Echo;
let gw: TestGateway;
let key: string;
let slowKey: string;
let slow: { server: Server; url: string; seen: IncomingMessage[]; aborted: number };

beforeAll(async () => {
  echo = await startEcho();
  slow = { server: null as never, url: '', seen: [], aborted: 0 };
  // Reads the body slowly and never answers first: each request stays open until someone aborts it.
  slow.server = createServer((req) => {
    slow.seen.push(req);
    req.on('aborted', () => slow.aborted++);
    req.resume();
  });
  slow.url = await listen(slow.server);
  gw = await startTestGateway();
  key = (await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], maxBodyBytes: 1 << 20 })).key;
  slowKey = (await seedKeyedApi(gw.admin, { targets: [{ url: slow.url }], basePath: '/hang' })).key;
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  slow?.server.closeAllConnections();
  await new Promise((r) => slow?.server.close(r));
});

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const connections = (server: Server) =>
  new Promise<number>((resolve, reject) =>
    server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
const openFds = () => readdirSync('/proc/self/fd').length;

/** Sends headers and part of a declared body, then leaves once `leaveWhen` resolves. */
function abortMidRequest(path: string, apiKey: string, leaveWhen: () => Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const socket = connectRaw(gw.port);
    socket.on('error', () => {});
    socket.on('close', () => resolve());
    socket.write(
      head([`POST ${path} HTTP/1.1`, 'Host: a', `x-api-key: ${apiKey}`, 'Content-Length: 100000']) +
        'b'.repeat(1000),
    );
    void leaveWhen().then(() => socket.destroy());
  });
}

/** Asks for a long answer (a large body, or a slow event stream) and leaves on its first bytes. */
function abortMidResponse(apiKey: string, path: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connectRaw(gw.port);
    socket.on('error', () => {});
    socket.on('close', () => resolve());
    socket.once('data', () => socket.destroy());
    socket.write(head([`GET ${path} HTTP/1.1`, 'Host: a', `x-api-key: ${apiKey}`]));
  });
}

describe('client aborts', () => {
  it('mid-request: the upstream request is aborted', async () => {
    const before = slow.seen.length;
    const abortedBefore = slow.aborted;
    await abortMidRequest('/hang', slowKey, () => expect.poll(() => slow.seen.length).toBe(before + 1));
    await expect.poll(() => slow.aborted).toBe(abortedBefore + 1);
  });

  it('mid-response: the upstream response is cut and its socket closed', async () => {
    const before = echo.seen.length;
    // 50 MB: far more than socket buffers hold, so the upstream is still writing when the client leaves.
    await abortMidResponse(key, '/echo/bytes/50000000');
    await expect.poll(() => echo.seen.length).toBe(before + 1);
    await expect.poll(() => echo.seen[before]!.socket.destroyed).toBe(true);
  });

  it('10,000 aborted calls leave the sockets and the heap at their baseline', {
    timeout: 120_000,
  }, async () => {
    const CALLS = 10_000;
    const CONCURRENCY = 50;
    const run = async (n: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < n) {
            const i = next++;
            if (i % 2 === 0) await abortMidResponse(key, '/echo/stream?count=100&intervalMs=50');
            else await abortMidRequest('/echo', key, () => new Promise((r) => setImmediate(r)));
          }
        }),
      );
    };
    // The admin client's keep-alive sockets from seeding stay open; everything beyond them must go.
    const idleClients = await connections(gw.server);
    const settle = async () => {
      // The harness keeps every upstream request in echo.seen; that is the test's memory, not the gateway's.
      echo.seen.length = 0;
      await expect.poll(() => connections(gw.server), { timeout: 10_000 }).toBeLessThanOrEqual(idleClients);
      await new Promise((r) => setTimeout(r, 200));
      gc();
      gc();
    };
    await run(500); // warm-up: JIT, pools, lazily built objects
    await settle();
    const base = {
      fds: openFds(),
      heap: process.memoryUsage().heapUsed,
      upstream: await connections(echo.server),
    };

    const started = Date.now();
    await run(CALLS);
    const elapsedMs = Date.now() - started;
    await settle();
    const after = {
      fds: openFds(),
      heap: process.memoryUsage().heapUsed,
      upstream: await connections(echo.server),
    };
    console.info(
      `10k aborts in ${elapsedMs} ms: fds ${base.fds} → ${after.fds}, heap ${(base.heap / 2 ** 20).toFixed(1)} → ${(after.heap / 2 ** 20).toFixed(1)} MiB, upstream sockets ${base.upstream} → ${after.upstream}`,
    );
    expect(after.fds).toBeLessThanOrEqual(base.fds + 10);
    expect(after.upstream).toBeLessThanOrEqual(base.upstream + 10);
    expect(after.heap).toBeLessThan(base.heap + 32 * 2 ** 20);
    // And it still serves.
    const res = await fetch(`${gw.url}/echo/after`, { headers: { 'x-api-key': key } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
});
