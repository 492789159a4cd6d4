// Hostile framing and slow clients over raw TCP: each is refused (400/408/413/431) or closed, nothing ambiguous
// reaches the upstream, and the gateway keeps serving.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  listen,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { rawExchange, trickle } from '../test-support/raw-http.js';

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
const LIMIT = 1024;

/** An upstream that counts what it receives, body bytes included, whether the request completes or not. */
interface Counter {
  url: string;
  server: Server;
  requests: IncomingMessage[];
  bodyBytes: number[];
  aborted: number;
  close(): Promise<void>;
}

async function startCounter(): Promise<Counter> {
  const c = { requests: [], bodyBytes: [], aborted: 0 } as unknown as Counter;
  c.server = createServer((req, res) => {
    const i = c.requests.push(req) - 1;
    c.bodyBytes[i] = 0;
    req.on('data', (d: Buffer) => (c.bodyBytes[i]! += d.length));
    req.on('aborted', () => c.aborted++);
    req.on('end', () => res.end('ok'));
  });
  c.url = await listen(c.server);
  c.close = () =>
    new Promise<void>((r) => {
      c.server.close(() => r());
      c.server.closeAllConnections();
    });
  return c;
}

let echo: Echo;
let counter: Counter;
let gw: TestGateway;
let key: string;
let counterKey: string;

beforeAll(async () => {
  [echo, counter] = await Promise.all([startEcho(), startCounter()]);
  gw = await startTestGateway({ HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS });
  key = (await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], maxBodyBytes: LIMIT })).key;
  counterKey = (
    await seedKeyedApi(gw.admin, { targets: [{ url: counter.url }], basePath: '/count', maxBodyBytes: LIMIT })
  ).key;
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  await counter?.close();
});

// Whatever a test threw at it, the gateway still serves the next caller.
afterEach(async () => {
  const res = await fetch(`${gw.url}/echo/alive`, { headers: { 'x-api-key': key } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
});

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe('request smuggling shapes', () => {
  const k = () => `x-api-key: ${key}`;
  const cases: [string, () => string][] = [
    [
      'CL.TE',
      () =>
        head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Content-Length: 6', 'Transfer-Encoding: chunked']) +
        '0\r\n\r\nG',
    ],
    [
      'TE.CL',
      () =>
        head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Transfer-Encoding: chunked', 'Content-Length: 3']) +
        '1\r\nZ\r\n0\r\n\r\n',
    ],
    [
      'conflicting Content-Length',
      () => head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Content-Length: 3', 'Content-Length: 4']) + 'abcd',
    ],
    [
      'Content-Length list',
      () => head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Content-Length: 3, 4']) + 'abcd',
    ],
    [
      'duplicate Transfer-Encoding',
      () =>
        head([
          'POST /echo HTTP/1.1',
          'Host: a',
          k(),
          'Transfer-Encoding: chunked',
          'Transfer-Encoding: chunked',
        ]) + '1\r\nZ\r\n0\r\n\r\n',
    ],
    [
      'unknown transfer coding',
      () => head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Transfer-Encoding: gzip']) + '1\r\nZ\r\n0\r\n\r\n',
    ],
    [
      'unknown coding before chunked',
      () =>
        head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Transfer-Encoding: gzip, chunked']) +
        '1\r\nZ\r\n0\r\n\r\n',
    ],
    [
      'look-alike coding',
      () =>
        head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Transfer-Encoding: xchunked']) + '1\r\nZ\r\n0\r\n\r\n',
    ],
    [
      'whitespace before the colon',
      () => head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Content-Length : 3']) + 'abc',
    ],
    ['bare CR as line end', () => `GET /echo HTTP/1.1\r\nHost: a\r${k()}\r\n\r\n`],
    ['obsolete line folding', () => head(['GET /echo HTTP/1.1', 'Host: a', k(), 'X-A: b', ' c'])],
    ['two Host headers', () => head(['GET /echo HTTP/1.1', 'Host: a', 'Host: b', k()])],
    [
      'huge chunk extension',
      () =>
        head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Transfer-Encoding: chunked']) +
        `1;${'e'.repeat(20_000)}\r\nZ\r\n0\r\n\r\n`,
    ],
  ];

  it.each(cases)('%s → 400 and closed, nothing forwarded', async (_name, build) => {
    const before = echo.seen.length;
    const reply = await rawExchange(gw.port, [build()]);
    expect(reply.status).toBe(400);
    expect(reply.closed).toBe(true);
    expect(reply.text.toLowerCase()).toContain('connection: close');
    expect(reply.text).toContain('application/problem+json');
    expect(echo.seen.length).toBe(before);
  });

  it('a huge chunk extension arriving after the headers: closed, and no body byte forwarded', async () => {
    const before = counter.requests.length;
    const reply = await rawExchange(
      gw.port,
      [
        head(['POST /count HTTP/1.1', 'Host: a', `x-api-key: ${counterKey}`, 'Transfer-Encoding: chunked']),
        `1;${'e'.repeat(20_000)}\r\nZ\r\n0\r\n\r\n`,
      ],
      { gapMs: 100 },
    );
    expect(reply.closed).toBe(true);
    expect(reply.text).not.toContain(' 200 ');
    // undici sends the request head with the first body byte; the upstream saw neither.
    expect(counter.requests.length).toBe(before);
  });
});

describe('limits on size and time', () => {
  it('headers over 16 KiB → 431, never forwarded', async () => {
    const before = echo.seen.length;
    const reply = await rawExchange(gw.port, [
      head(['GET /echo HTTP/1.1', 'Host: a', `x-api-key: ${key}`, `x-big: ${'h'.repeat(17 * 1024)}`]),
    ]);
    expect(reply.status).toBe(431);
    expect(reply.closed).toBe(true);
    expect(JSON.parse(reply.text.slice(reply.text.indexOf('\r\n\r\n') + 4))).toEqual({
      type: 'about:blank',
      title: 'Request Header Fields Too Large',
      status: 431,
      detail: 'Request Header Fields Too Large',
    });
    expect(echo.seen.length).toBe(before);
  });

  it('slowloris: headers trickled a byte every 50 ms are cut off at the headers timeout with 408', async () => {
    const before = echo.seen.length;
    const text = head(['GET /echo HTTP/1.1', 'Host: a', `x-api-key: ${key}`, `x-pad: ${'p'.repeat(200)}`]);
    const reply = await trickle(gw.port, text, 50, 10_000);
    expect(reply.closed).toBe(true);
    expect(reply.status).toBe(408);
    // The trickle alone would take ~14 s; node checks the timeout every HEADERS_TIMEOUT_MS / 4.
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(reply.elapsedMs).toBeLessThan(HEADERS_TIMEOUT_MS * 2 + 1000);
    expect(echo.seen.length).toBe(before);
  });

  it('a slow body upload → 408 at the request timeout, and the upstream request is aborted', async () => {
    const before = counter.requests.length;
    const abortedBefore = counter.aborted;
    const headers = head([
      'POST /count HTTP/1.1',
      'Host: a',
      `x-api-key: ${counterKey}`,
      'Content-Length: 500',
    ]);
    const reply = await rawExchange(gw.port, [headers, ...'b'.repeat(500).split('')], {
      gapMs: 50,
      deadlineMs: 10_000,
    });
    expect(reply.closed).toBe(true);
    expect(reply.status).toBe(408);
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(reply.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS * 2 + 1000);
    // The body streamed upstream as it came; the cut reached the upstream as an abort, not a complete request.
    expect(counter.requests.length).toBe(before + 1);
    await expect.poll(() => counter.aborted).toBe(abortedBefore + 1);
    expect(counter.bodyBytes[before]!).toBeLessThan(500);
  });

  it('413 for a declared body over the limit; nothing forwarded', async () => {
    const before = counter.requests.length;
    const reply = await rawExchange(gw.port, [
      head(['POST /count HTTP/1.1', 'Host: a', `x-api-key: ${counterKey}`, `Content-Length: ${LIMIT + 1}`]),
      'x'.repeat(LIMIT + 1),
    ]);
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('"code":"body_too_large"');
    expect(counter.requests.length).toBe(before);
  });

  it('413 for a chunked body that grows past the limit; the upstream receives at most the limit', async () => {
    const before = counter.requests.length;
    const chunk = (n: number) => `${n.toString(16)}\r\n${'c'.repeat(n)}\r\n`;
    const reply = await rawExchange(
      gw.port,
      [
        head(['POST /count HTTP/1.1', 'Host: a', `x-api-key: ${counterKey}`, 'Transfer-Encoding: chunked']),
        chunk(400),
        chunk(400),
        chunk(400),
        chunk(400),
        '0\r\n\r\n',
      ],
      { gapMs: 20 },
    );
    expect(reply.status).toBe(413);
    expect(reply.text).toContain('"code":"body_too_large"');
    await expect.poll(() => counter.aborted).toBeGreaterThan(0);
    expect(counter.requests.length).toBe(before + 1);
    expect(counter.bodyBytes[before]!).toBeLessThanOrEqual(LIMIT);
  });
});
