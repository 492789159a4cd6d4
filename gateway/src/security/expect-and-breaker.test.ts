// `Expect` is the gateway's to answer, and no failure the client causes counts against an upstream's circuit
// breaker (issue 11, class 1): before, five `Expect: 100-continue` calls opened the breaker of the origin for
// every tenant on it. Raw TCP; after each case a clean call succeeds and descriptors return to baseline.
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
import { connectRaw } from '../test-support/transport.js';

const FAILURES = 2;
const LIMIT = 64;
let echo: Echo;
let gw: TestGateway;
let key: string;
let baseline: number;

const clean = () => cleanCall(gw.url, key);

beforeAll(async () => {
  echo = await startEcho();
  // A long cool-down: once open, the breaker would stay open for the rest of the file.
  gw = await startTestGateway({ BREAKER_FAILURES: FAILURES, BREAKER_COOLDOWN_MS: 600_000 });
  key = (await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], maxBodyBytes: LIMIT })).key;
  await clean();
  baseline = openFds();
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

afterEach(() => expectRecovered(baseline, clean));

const k = () => `x-api-key: ${key}`;

/** Sends the head, waits for `100 Continue` (or the final answer), then the body, as curl does. */
function withContinue(headText: string, body: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connectRaw(gw.port);
    let text = '';
    let sent = false;
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (!sent && text.includes('100 Continue\r\n\r\n')) {
        sent = true;
        socket.write(body);
      }
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => {});
    socket.write(headText);
    setTimeout(() => socket.destroy(), 3000).unref();
  });
}

const breakerOpenings = async () =>
  (await gw.ctx.metrics.registry.getSingleMetricAsString('gateway_circuit_opened_total')).includes(echo.url);

describe('Expect: 100-continue', () => {
  it('100 once the call is accepted, then the body is forwarded without the Expect header', async () => {
    const before = echo.seen.length;
    const text = await withContinue(
      head([
        'POST /echo/e HTTP/1.1',
        'Host: a',
        k(),
        'Expect: 100-continue',
        'Content-Length: 5',
        'Connection: close',
      ]),
      'hello',
    );
    expect(statusesOf(text)).toEqual([100, 200]);
    const seen = JSON.parse(bodyOf(text.slice(text.indexOf('\r\n\r\n') + 4)));
    expect(seen.body).toBe('hello');
    expect(seen.headers.expect).toBeUndefined();
    expect(echo.seen.length).toBe(before + 1);
  });

  it.each([
    ['no key', 401, () => ['POST /echo/e HTTP/1.1', 'Host: a', 'Content-Length: 5']],
    [
      'a declared body over the limit',
      413,
      () => ['POST /echo/e HTTP/1.1', 'Host: a', k(), `Content-Length: ${LIMIT + 1}`],
    ],
    ['no route', 404, () => ['POST /nowhere HTTP/1.1', 'Host: a', k(), 'Content-Length: 5']],
  ] as [string, number, () => string[]][])(
    'refused before the body (%s): %i with no 100, and the connection closed',
    async (_n, status, lines) => {
      const before = echo.seen.length;
      const reply = await rawExchange(gw.port, [head([...lines(), 'Expect: 100-continue'])]);
      expect(statusesOf(reply.text)).toEqual([status]);
      expect(reply.closed).toBe(true);
      expect(headersOf(reply.text).connection).toBe('close');
      expect(echo.seen.length).toBe(before);
    },
  );

  it('an upload sent without waiting for the 100, and the header in other spellings, all forwarded without it', async () => {
    for (const [version, value] of [
      ['1.1', '100-continue'],
      ['1.1', '100-Continue'],
      ['1.0', '100-continue'],
    ]) {
      const reply = await rawExchange(gw.port, [
        head([
          `POST /echo/e HTTP/${version}`,
          'Host: a',
          k(),
          `Expect: ${value}`,
          'Content-Length: 2',
          'Connection: close',
        ]) + 'hi',
      ]);
      expect(statusesOf(reply.text).at(-1)).toBe(200);
      const echoed = JSON.parse(bodyOf(reply.text.slice(reply.text.lastIndexOf('HTTP/1.1 200'))));
      expect([version, value, echoed.body, echoed.headers.expect]).toEqual([version, value, 'hi', undefined]);
    }
  });
});

describe('client-caused failures never open the breaker', () => {
  const times = FAILURES * 3;
  const shapes: [string, () => Promise<unknown>][] = [
    [
      'Expect: 100-continue with the body held back until the 100',
      () =>
        withContinue(
          head([
            'POST /echo/e HTTP/1.1',
            'Host: a',
            k(),
            'Expect: 100-continue',
            'Content-Length: 1',
            'Connection: close',
          ]),
          'x',
        ),
    ],
    [
      'an unsupported expectation',
      () =>
        rawExchange(gw.port, [
          head(['POST /echo/e HTTP/1.1', 'Host: a', k(), 'Expect: x', 'Content-Length: 0']),
        ]),
    ],
    [
      'a client leaving mid-body',
      () =>
        rawExchange(
          gw.port,
          [head(['POST /echo/e HTTP/1.1', 'Host: a', k(), 'Content-Length: 50']) + 'part'],
          {
            deadlineMs: 200,
          },
        ),
    ],
    [
      'a chunked body growing past the limit',
      () =>
        rawExchange(gw.port, [
          head(['POST /echo/e HTTP/1.1', 'Host: a', k(), 'Transfer-Encoding: chunked']) +
            `50\r\n${'x'.repeat(0x50)}\r\n0\r\n\r\n`,
        ]),
    ],
    [
      'a malformed chunk after the head',
      () =>
        rawExchange(
          gw.port,
          [head(['POST /echo/e HTTP/1.1', 'Host: a', k(), 'Transfer-Encoding: chunked']), 'zz\r\nx\r\n'],
          { gapMs: 50 },
        ),
    ],
  ];

  it.each(shapes)(
    `%s, ${times} times: the next clean call is served and no breaker opened`,
    async (_n, shape) => {
      for (let i = 0; i < times; i++) await shape();
      expect(await clean()).toBe(200);
      expect(await breakerOpenings()).toBe(false);
    },
  );
});
