// Refusals made before routing, over raw TCP (issue 11, classes 3, 8 and 9): after any of them the connection
// is closed and nothing else sent on it is dispatched; header counts, Host syntax, versions and TRACE are
// checked; after every case a clean call on a new connection succeeds and descriptors return to baseline.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { cleanCall, expectRecovered, head, openFds, statusesOf } from '../test-support/hostile.js';
import { bodyOf, headersOf, rawExchange } from '../test-support/raw-http.js';

const MAX_HEADERS = 100;
let echo: Echo;
let gw: TestGateway;
let key: string;
let baseline: number;

const clean = () => cleanCall(gw.url, key);

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway({ MAX_REQUEST_HEADERS: MAX_HEADERS });
  key = (await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }] })).key;
  await clean();
  baseline = openFds();
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

afterEach(() => expectRecovered(baseline, clean));

const k = () => `x-api-key: ${key}`;
const fillers = (n: number) => Array.from({ length: n }, (_, i) => `x-f${i}: v`);
/** A valid request that must never reach the upstream when it follows a refused one. */
const smuggled = () => head(['GET /echo/smuggled HTTP/1.1', 'Host: a', k()]);
const reached = () => echo.seen.filter((r) => r.url?.includes('smuggled')).length;

// Each refused shape, with the status it gets. Bodies are included where the shape declares one.
const refused: [string, number, () => string][] = [
  [
    'Transfer-Encoding: gzip, chunked',
    400,
    () =>
      head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Transfer-Encoding: gzip, chunked']) +
      '1\r\nZ\r\n0\r\n\r\n',
  ],
  [
    'Transfer-Encoding: identity, chunked',
    400,
    () =>
      head(['POST /echo HTTP/1.1', 'Host: a', k(), 'Transfer-Encoding: identity, chunked']) +
      '1\r\nZ\r\n0\r\n\r\n',
  ],
  ['two Host headers', 400, () => head(['GET /echo HTTP/1.1', 'Host: a', 'Host: b', k()])],
  [
    'HTTP/1.0 with Transfer-Encoding and keep-alive',
    400,
    () =>
      head(['POST /echo HTTP/1.0', 'Host: a', k(), 'Transfer-Encoding: chunked', 'Connection: keep-alive']) +
      '1\r\nZ\r\n0\r\n\r\n',
  ],
  ['Host: a b', 400, () => head(['GET /echo HTTP/1.1', 'Host: a b', k()])],
  ['Host with a path', 400, () => head(['GET /echo HTTP/1.1', 'Host: a/b', k()])],
  ['Host with userinfo', 400, () => head(['GET /echo HTTP/1.1', 'Host: u@a', k()])],
  ['Host with two ports', 400, () => head(['GET /echo HTTP/1.1', 'Host: a:80:81', k()])],
  ['Host with a backslash', 400, () => head(['GET /echo HTTP/1.1', 'Host: a\\b', k()])],
  ['HTTP/2.0 request line', 505, () => head(['GET /echo HTTP/2.0', 'Host: a', k()])],
  ['HTTP/0.9 request line', 505, () => head(['GET /echo HTTP/0.9', 'Host: a', k()])],
  ['TRACE', 405, () => head(['TRACE /echo HTTP/1.1', 'Host: a', k()])],
  ['TRACE on an admin path', 405, () => head(['TRACE /admin/v1/tenants HTTP/1.1', 'Host: a'])],
  [
    'an Expect other than 100-continue',
    417,
    () => head(['GET /echo HTTP/1.1', 'Host: a', k(), 'Expect: 200-ok']),
  ],
  ['one header more than the limit', 431, () => head(['GET /echo HTTP/1.1', 'Host: a', k(), ...fillers(99)])],
  [
    '2,100 fillers, then Transfer-Encoding',
    431,
    () =>
      head(['POST /echo HTTP/1.1', 'Host: a', k(), ...fillers(2100), 'Transfer-Encoding: chunked']) +
      '1\r\nZ\r\n0\r\n\r\n',
  ],
  [
    '2,100 fillers, then a second Host',
    431,
    () => head(['GET /echo HTTP/1.1', 'Host: a', k(), ...fillers(2100), 'Host: b']),
  ],
];

describe('a refusal closes the connection and nothing behind it is dispatched', () => {
  it.each(refused)(
    '%s → %i, closed; a request pipelined behind it never reaches the upstream',
    async (_n, status, build) => {
      const before = echo.seen.length;
      const reply = await rawExchange(gw.port, [build() + smuggled()]);
      expect(reply.status).toBe(status);
      expect(statusesOf(reply.text)).toEqual([status]);
      expect(reply.closed).toBe(true);
      expect(headersOf(reply.text).connection).toBe('close');
      expect(headersOf(reply.text)['content-type']).toBe('application/problem+json');
      expect(echo.seen.length).toBe(before);
      expect(reached()).toBe(0);
    },
  );

  it.each(refused)(
    '%s → %i; the request sent after it, in a later packet, is not dispatched either',
    async (_n, status, build) => {
      const before = echo.seen.length;
      const reply = await rawExchange(gw.port, [build(), smuggled()], { gapMs: 50 });
      expect(reply.status).toBe(status);
      expect(reply.closed).toBe(true);
      expect(echo.seen.length).toBe(before);
    },
  );

  it('a refusal behind a good request: the good one is answered, the refused one closes, the third never runs', async () => {
    const before = echo.seen.length;
    const reply = await rawExchange(gw.port, [
      head(['GET /echo/first HTTP/1.1', 'Host: a', k()]) +
        head(['GET /echo HTTP/1.1', 'Host: a', 'Host: b', k()]) +
        smuggled(),
    ]);
    expect(reply.closed).toBe(true);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('HTTP/1.1 400 Bad Request');
    expect(echo.seen.slice(before).map((r) => r.url)).toEqual(['/first']);
  });
});

describe('what each refusal says', () => {
  it('TRACE → 405 with Allow, as problem+json', async () => {
    const reply = await rawExchange(gw.port, [head(['TRACE /echo HTTP/1.1', 'Host: a', k()])]);
    expect(reply.status).toBe(405);
    expect(headersOf(reply.text).allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
    expect(JSON.parse(bodyOf(reply.text))).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });

  it('HTTP/2.0 → 505 http_version_not_supported', async () => {
    const reply = await rawExchange(gw.port, [head(['GET /echo HTTP/2.0', 'Host: a', k()])]);
    expect(JSON.parse(bodyOf(reply.text))).toMatchObject({ status: 505, code: 'http_version_not_supported' });
  });

  it('more headers than MAX_REQUEST_HEADERS → 431 too_many_headers, naming the limit', async () => {
    const reply = await rawExchange(gw.port, [
      head(['GET /echo HTTP/1.1', 'Host: a', k(), ...fillers(2100)]),
    ]);
    expect(JSON.parse(bodyOf(reply.text))).toMatchObject({
      status: 431,
      code: 'too_many_headers',
      detail: `the request has more than ${MAX_HEADERS} header fields`,
    });
  });
});

describe('what is still accepted', () => {
  const ok =
    (extra: string[], line = 'GET /echo/ok HTTP/1.1') =>
    () =>
      head([line, k(), 'Connection: close', ...extra]);
  it.each([
    ['exactly the header limit', ok(['Host: a', ...fillers(97)])],
    ['a Host with a port', ok(['Host: example.com:8080'])],
    ['an IPv6 Host', ok(['Host: [::1]:8080'])],
    ['HTTP/1.0 without Host', ok([], 'GET /echo/ok HTTP/1.0')],
  ])('%s → 200', async (_n, build) => {
    const reply = await rawExchange(gw.port, [build()]);
    expect(reply.status).toBe(200);
    expect(reply.closed).toBe(true);
  });
});

describe('WebSocket upgrades get the same checks', () => {
  const upgrade = (extra: string[]) =>
    head([
      'GET /echo/ws HTTP/1.1',
      'Connection: Upgrade',
      'Upgrade: websocket',
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      k(),
      ...extra,
    ]);

  it.each([
    ['two Host headers', 400, ['Host: a', 'Host: b']],
    ['Host: a b', 400, ['Host: a b']],
    ['too many headers', 431, ['Host: a', ...fillers(2100)]],
    ['an unknown transfer coding', 400, ['Host: a', 'Transfer-Encoding: gzip']],
  ] as [string, number, string[]][])(
    '%s → %i, closed, no upgrade reaches the upstream',
    async (_n, status, extra) => {
      const before = echo.seen.length;
      const reply = await rawExchange(gw.port, [upgrade(extra)]);
      expect(reply.status).toBe(status);
      expect(reply.closed).toBe(true);
      expect(reply.text).not.toContain('101 Switching Protocols');
      expect(echo.seen.length).toBe(before);
    },
  );
});
