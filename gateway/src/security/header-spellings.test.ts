// Header spellings an upstream would believe (issue 11, class 7): underscore variants of the headers the gateway
// owns (WSGI, PHP and Rack read `x_forwarded_for` as X-Forwarded-For), and client-IP headers only a trusted
// proxy may write. Raw TCP, on forwarded calls and WebSocket upgrades alike.
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
/** Defaults: every underscore header dropped, no trusted proxy. */
let strict: TestGateway;
/** DROP_UNDERSCORE_HEADERS=owned and one trusted proxy in front. */
let relaxed: TestGateway;
let seeds: Map<TestGateway, Seeded>;
let baseline: number;

const clean = async () => {
  const statuses: number[] = [];
  for (const gw of [strict, relaxed]) statuses.push(await cleanCall(gw.url, seeds.get(gw)!.key));
  return statuses.every((s) => s === 200) ? 200 : statuses.find((s) => s !== 200)!;
};

beforeAll(async () => {
  echo = await startEcho();
  [strict, relaxed] = await Promise.all([
    startTestGateway(),
    startTestGateway({ DROP_UNDERSCORE_HEADERS: 'owned', TRUST_PROXY_HOPS: 1 }),
  ]);
  seeds = new Map();
  for (const gw of [strict, relaxed])
    seeds.set(gw, await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }] }));
  await clean();
  baseline = openFds();
});

afterAll(async () => {
  await strict?.stop();
  await relaxed?.stop();
  await echo?.close();
});

afterEach(() => expectRecovered(baseline, clean));

const OWNED_UNDERSCORED = [
  'x_gateway_tenant: t-spoofed',
  'X_Gateway_App: a-spoofed',
  'x_forwarded_for: 6.6.6.6',
  'X_Forwarded_Host: evil.example',
  'x_forwarded_proto: https',
  'x_real_ip: 6.6.6.6',
  'x_api_key: stolen',
  'x_request_id: spoofed',
  'true_client_ip: 6.6.6.6',
  'content_length: 99',
  'transfer_encoding: chunked',
  'Proxy_Authorization: Basic eA==',
];
const CLIENT_IP = [
  'True-Client-IP: 6.6.6.6',
  'CF-Connecting-IP: 6.6.6.6',
  'X-Client-IP: 6.6.6.6',
  'X-Cluster-Client-IP: 6.6.6.6',
  'Fastly-Client-IP: 6.6.6.6',
  'X-Original-Forwarded-For: 6.6.6.6',
  'X-Real-IP: 6.6.6.6',
  'Forwarded: for=6.6.6.6',
];
const nameOf = (line: string) => line.slice(0, line.indexOf(':')).toLowerCase();

async function seenBy(gw: TestGateway, extra: string[]): Promise<Record<string, string>> {
  const reply = await rawExchange(gw.port, [
    head([
      'GET /echo/h HTTP/1.1',
      'Host: a',
      `x-api-key: ${seeds.get(gw)!.key}`,
      'Connection: close',
      ...extra,
    ]),
  ]);
  expect(reply.status).toBe(200);
  return JSON.parse(bodyOf(reply.text)).headers;
}

describe('underscore spellings', () => {
  it('default: every header with an underscore is dropped, owned or not', async () => {
    const seen = await seenBy(strict, [...OWNED_UNDERSCORED, 'x_custom_thing: v', 'x-custom-thing: kept']);
    for (const line of [...OWNED_UNDERSCORED, 'x_custom_thing: v'])
      expect([line, seen[nameOf(line)]]).toEqual([line, undefined]);
    expect(seen['x-custom-thing']).toBe('kept');
    // The gateway's own values are intact.
    expect(seen['x-gateway-app']).toBe(seeds.get(strict)!.appId);
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('DROP_UNDERSCORE_HEADERS=owned: only spellings of owned headers are dropped', async () => {
    const seen = await seenBy(relaxed, [...OWNED_UNDERSCORED, 'x_custom_thing: v']);
    for (const line of OWNED_UNDERSCORED) expect([line, seen[nameOf(line)]]).toEqual([line, undefined]);
    expect(seen.x_custom_thing).toBe('v');
    expect(seen['x-gateway-tenant']).toBe(seeds.get(relaxed)!.tenantId);
  });
});

describe('client-IP headers', () => {
  it('stripped when no trusted proxy is in front', async () => {
    const seen = await seenBy(strict, CLIENT_IP);
    for (const line of CLIENT_IP) expect([line, seen[nameOf(line)]]).toEqual([line, undefined]);
  });

  it('kept from a trusted hop (TRUST_PROXY_HOPS=1), except the ones the gateway writes itself', async () => {
    const seen = await seenBy(relaxed, CLIENT_IP);
    expect(seen['true-client-ip']).toBe('6.6.6.6');
    expect(seen['cf-connecting-ip']).toBe('6.6.6.6');
    expect(seen['x-real-ip']).toBeUndefined();
    expect(seen.forwarded).toBeUndefined();
  });

  it('stripped from WebSocket upgrades as well', async () => {
    const before = echo.seen.length;
    const reply = await rawExchange(
      strict.port,
      [
        head([
          'GET /echo/ws HTTP/1.1',
          'Host: a',
          `x-api-key: ${seeds.get(strict)!.key}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'True-Client-IP: 6.6.6.6',
          'x_forwarded_for: 6.6.6.6',
        ]),
      ],
      { deadlineMs: 500 },
    );
    expect(reply.status).toBe(101);
    const upgrade = echo.seen[before]!;
    expect(upgrade.headers['true-client-ip']).toBeUndefined();
    expect(upgrade.headers.x_forwarded_for).toBeUndefined();
    expect(upgrade.headers['x-forwarded-for']).toBe('127.0.0.1');
  });
});
