// Issue 11, classes 4 and 5, over raw TCP: the credential that authenticated a call never reaches the
// upstream in any spelling, and the path the gateway routes on is the path the upstream sees (percent-encoded
// unreserved characters normalized; `;` parameters that would change the route refused).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { cleanCall, expectRecovered, head, openFds } from '../test-support/hostile.js';
import { bodyOf, rawExchange } from '../test-support/raw-http.js';

let echo: Echo;
let gw: TestGateway;
let keyed: Seeded;
let secret: Seeded;
let baseline: number;

const clean = () => cleanCall(gw.url, keyed.key);

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway();
  keyed = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }] });
  // An open API at /o and a keyed one nested under it, on the same upstream.
  await seedKeyedApi(gw.admin, { targets: [{ url: `${echo.url}/open` }], basePath: '/o', auth: 'none' });
  secret = await seedKeyedApi(gw.admin, { targets: [{ url: `${echo.url}/secret` }], basePath: '/o/secret' });
  await clean();
  baseline = openFds();
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

afterEach(() => expectRecovered(baseline, clean));

async function send(lines: string[]): Promise<{ status: number | null; seen: any; text: string }> {
  const reply = await rawExchange(gw.port, [head([...lines, 'Connection: close'])]);
  const body = bodyOf(reply.text);
  let seen: any = null;
  try {
    seen = JSON.parse(body);
  } catch {}
  return { status: reply.status, seen, text: reply.text };
}

describe('the credential is removed in every spelling', () => {
  const K = () => keyed.key;
  it.each([
    ['an empty x-api-key next to a Bearer key', () => ['x-api-key:', `Authorization: Bearer ${K()}`]],
    ['a blank x-api-key next to a Bearer key', () => ['x-api-key:    ', `Authorization: Bearer ${K()}`]],
    ['a lower-case bearer scheme', () => [`authorization: bearer ${K()}`]],
    ['a Bearer key with extra spaces', () => [`Authorization: Bearer    ${K()}   `]],
    [
      'an underscore x_api_key next to a Bearer key',
      () => [`x_api_key: ${K()}`, `Authorization: Bearer ${K()}`],
    ],
    ['x-api-key listed in Connection', () => [`x-api-key: ${K()}`, 'Connection: x-api-key']],
  ])('%s → 200, and the upstream sees neither the key nor its header', async (_n, lines) => {
    const { status, seen, text } = await send(['GET /echo/c HTTP/1.1', 'Host: a', ...lines()]);
    expect(status).toBe(200);
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers.x_api_key).toBeUndefined();
    expect(text).not.toContain(keyed.key.split('.')[1]!);
  });

  it("a key in x-api-key leaves the upstream's own Authorization alone", async () => {
    const { status, seen } = await send([
      'GET /echo/c HTTP/1.1',
      'Host: a',
      `x-api-key: ${keyed.key}`,
      'Authorization: Bearer upstream-token',
    ]);
    expect(status).toBe(200);
    expect(seen.headers.authorization).toBe('Bearer upstream-token');
    expect(seen.headers['x-api-key']).toBeUndefined();
  });

  it('a WebSocket upgrade authenticated by a Bearer key next to an empty x-api-key: the upstream sees neither', async () => {
    const before = echo.seen.length;
    const reply = await rawExchange(
      gw.port,
      [
        head([
          'GET /echo/ws HTTP/1.1',
          'Host: a',
          'x-api-key:',
          `Authorization: Bearer ${keyed.key}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        ]),
      ],
      { deadlineMs: 500 },
    );
    expect(reply.status).toBe(101);
    expect(echo.seen[before]!.headers.authorization).toBeUndefined();
    expect(echo.seen[before]!.headers['x-api-key']).toBeUndefined();
  });
});

describe('the path routed on is the path forwarded', () => {
  it.each([
    ['%73ecret', 'GET /o/%73ecret/y HTTP/1.1'],
    ['%53ECRET in upper case is another path', 'GET /o/%73%65%63%72%65%74/y HTTP/1.1'],
    ['an encoded o', 'GET /%6F/secret/y HTTP/1.1'],
    ['an encoded slash-free base with a lower-case escape', 'GET /%6f/%73ecret/y HTTP/1.1'],
  ])('%s routes to the keyed API: 401 without the key', async (_n, line) => {
    const before = echo.seen.length;
    const { status } = await send([line, 'Host: a']);
    expect(status).toBe(401);
    expect(echo.seen.length).toBe(before);
  });

  it('with the key, the keyed API gets the normalized path', async () => {
    const { status, seen } = await send([
      'GET /o/%73ecret/%79%7e HTTP/1.1',
      'Host: a',
      `x-api-key: ${secret.key}`,
    ]);
    expect(status).toBe(200);
    expect(seen.path).toBe('/secret/y~');
  });

  it('the open API gets unreserved characters decoded and other escapes upper-cased, the query untouched', async () => {
    const { status, seen } = await send(['GET /o/%61b%2dc/%3a%20?q=%73 HTTP/1.1', 'Host: a']);
    expect(status).toBe(200);
    expect(seen.path).toBe('/open/ab-c/%3A%20');
    expect(seen.query).toEqual({ q: 's' });
  });

  it.each([
    ['/o/secret;x/y', 400, 'GET /o/secret;x/y HTTP/1.1'],
    ['/o/secret;jsessionid=1', 400, 'GET /o/secret;jsessionid=1 HTTP/1.1'],
    ['/o/%73ecret;x/y', 400, 'GET /o/%73ecret;x/y HTTP/1.1'],
    // Matches no API as sent (/o needs a / after it): nothing to mis-route.
    ['/o;x/secret/y', 404, 'GET /o;x/secret/y HTTP/1.1'],
  ] as [string, number, string][])(
    '%s: a ; parameter that would move the call to another API → %i, nothing forwarded',
    async (_n, code, line) => {
      const before = echo.seen.length;
      const { status } = await send([line, 'Host: a']);
      expect(status).toBe(code);
      expect(echo.seen.length).toBe(before);
    },
  );

  it('a ; parameter that changes nothing is forwarded as sent', async () => {
    const { status, seen } = await send(['GET /o/other;v=1/y HTTP/1.1', 'Host: a']);
    expect(status).toBe(200);
    expect(seen.path).toBe('/open/other;v=1/y');
  });
});
