// What crosses the gateway: hop-by-hop and Connection-listed headers go in both directions, client-written
// forwarding and identity headers are not believed, and odd paths or hosts never reach another API's route.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../observability/call-record.js';
import {
  type Echo,
  json,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { bodyOf, headersOf, rawExchange } from '../test-support/raw-http.js';
import { overTls } from '../test-support/transport.js';

let echo: Echo;
let other: Echo;
let gw: TestGateway;
let seeded: Seeded;
const records: CallRecord[] = [];

beforeAll(async () => {
  [echo, other] = await Promise.all([startEcho(), startEcho()]);
  gw = await startTestGateway({}, { recorders: [(r) => records.push(r)] });
  seeded = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }] });
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  await other?.close();
});

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

async function alive(): Promise<void> {
  const res = await fetch(`${gw.url}/echo/alive`, { headers: { 'x-api-key': seeded.key } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

describe('hop-by-hop headers', () => {
  it('removes hop-by-hop and Connection-listed request headers, x-api-key included, after using the key', async () => {
    const reply = await rawExchange(gw.port, [
      head([
        'GET /echo/h HTTP/1.1',
        'Host: a',
        `x-api-key: ${seeded.key}`,
        'Connection: close, x-secret-hop, x-api-key, x-gateway-app',
        'x-secret-hop: v',
        'Keep-Alive: timeout=5',
        'TE: trailers',
        'Trailer: x-t',
        'Proxy-Authorization: Basic Zm9vOmJhcg==',
        'Proxy-Connection: keep-alive',
        'Upgrade: h2c',
        'x-gateway-app: spoofed',
        'x-kept: yes',
      ]),
    ]);
    expect(reply.status).toBe(200);
    const seen = JSON.parse(bodyOf(reply.text)).headers as Record<string, string>;
    for (const name of [
      'x-secret-hop',
      'x-api-key',
      'keep-alive',
      'te',
      'trailer',
      'proxy-authorization',
      'proxy-connection',
      'upgrade',
    ])
      expect([name, seen[name]]).toEqual([name, undefined]);
    // Listing an identity header in Connection does not remove the gateway's own value.
    expect(seen['x-gateway-app']).toBe(seeded.appId);
    expect(seen['x-kept']).toBe('yes');
    expect(seen.connection).toBe('keep-alive'); // undici's own, to the upstream
  });

  it('removes hop-by-hop and Connection-listed response headers', async () => {
    // A raw upstream, so every header is exactly what it wrote.
    const sockets = new Set<Socket>();
    const upstream: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () =>
        socket.write(
          head([
            'HTTP/1.1 200 OK',
            'Connection: keep-alive, x-upstream-secret',
            'x-upstream-secret: s3cr3t',
            'Keep-Alive: timeout=99',
            'Proxy-Authenticate: Basic realm="u"',
            'Trailer: x-t',
            'Upgrade: foo',
            'x-kept: yes',
            'Content-Length: 2',
          ]) + 'ok',
        ),
      );
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const port = (upstream.address() as { port: number }).port;
      const s = await seedKeyedApi(gw.admin, {
        targets: [{ url: `http://127.0.0.1:${port}` }],
        basePath: '/raw-up',
      });
      const reply = await rawExchange(gw.port, [
        head(['GET /raw-up HTTP/1.1', 'Host: a', `x-api-key: ${s.key}`, 'Connection: close']),
      ]);
      expect(reply.status).toBe(200);
      expect(bodyOf(reply.text)).toBe('ok');
      const h = headersOf(reply.text);
      expect(h['x-kept']).toBe('yes');
      for (const name of ['x-upstream-secret', 'proxy-authenticate', 'trailer', 'upgrade', 'keep-alive'])
        expect([name, h[name]]).toEqual([name, undefined]);
      expect(h.connection).toBe('close');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => upstream.close(r));
    }
  });

  it.each([
    ['websocket', 'Content-Length: 5', 'hello'],
    ['websocket', 'Transfer-Encoding: chunked', '5\r\nhello\r\n0\r\n\r\n'],
    ['h2c', 'Content-Length: 5', 'hello'],
  ])('refuses Upgrade: %s with a body (%s): 400, closed, nothing forwarded', async (proto, framing, body) => {
    const before = echo.seen.length;
    const reply = await rawExchange(gw.port, [
      head([
        'GET /echo/ws HTTP/1.1',
        'Host: a',
        `x-api-key: ${seeded.key}`,
        'Connection: Upgrade',
        `Upgrade: ${proto}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        framing,
      ]) + body,
    ]);
    expect(reply.status).toBe(400);
    expect(reply.closed).toBe(true);
    expect(JSON.parse(bodyOf(reply.text)).code).toBe('bad_request');
    expect(echo.seen.length).toBe(before);
    await alive();
  });
});

describe('client-written forwarding headers', () => {
  const spoof = {
    'x-forwarded-for': '6.6.6.6',
    forwarded: 'for=6.6.6.6',
    'x-real-ip': '6.6.6.6',
    'x-forwarded-host': 'evil.test',
    'x-forwarded-proto': 'https',
    'x-gateway-tenant': 'spoofed',
    'x-gateway-subscription': 'spoofed',
  };

  it('with TRUST_PROXY_HOPS=0 (default) they change neither the upstream view nor the logged client IP', async () => {
    const requestId = 'xff-default-1';
    const res = await fetch(`${gw.url}/echo/x`, {
      headers: { ...spoof, 'x-api-key': seeded.key, 'x-request-id': requestId },
    });
    expect(res.status).toBe(200);
    const seen = (await json(res)).headers;
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.forwarded).toBeUndefined();
    expect(seen['x-real-ip']).toBeUndefined();
    // What the client spoke to the gateway, never what it claimed (npm run test:tls runs this over TLS).
    expect(seen['x-forwarded-proto']).toBe(overTls ? 'https' : 'http');
    expect(seen['x-forwarded-host']).toBe(new URL(gw.url).host);
    expect(seen['x-gateway-tenant']).toBe(seeded.tenantId);
    expect(seen['x-gateway-subscription']).toBe(seeded.subscriptionId);
    await expect.poll(() => records.find((r) => r.clientRequestId === requestId)?.clientIp).toBe('127.0.0.1');
  });

  it('the failed-auth limit of the admin API is per socket address, whatever X-Forwarded-For says', async () => {
    const fresh = await startTestGateway();
    try {
      for (let i = 0; i < 20; i++) {
        const r = await fresh.admin.request('GET', '/admin/v1/tenants', undefined, `wrong-${i}`);
        expect(r.status).toBe(401);
      }
      const res = await fetch(`${fresh.url}/admin/v1/tenants`, {
        headers: { authorization: 'Bearer nope', 'x-forwarded-for': '10.9.8.7' },
      });
      expect(res.status).toBe(429);
    } finally {
      await fresh.stop();
    }
  });

  it('with TRUST_PROXY_HOPS=1 the last entry is the client, and only the trusted part is passed on', async () => {
    const trusted: CallRecord[] = [];
    const proxied = await startTestGateway({ TRUST_PROXY_HOPS: 1 }, { recorders: [(r) => trusted.push(r)] });
    try {
      const s = await seedKeyedApi(proxied.admin, { targets: [{ url: echo.url }] });
      const res = await fetch(`${proxied.url}/echo/x`, {
        headers: { 'x-api-key': s.key, 'x-forwarded-for': '6.6.6.6, 203.0.113.9', 'x-request-id': 'xff-1' },
      });
      expect(res.status).toBe(200);
      expect((await json(res)).headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
      await expect.poll(() => trusted.find((r) => r.requestId === 'xff-1')?.clientIp).toBe('203.0.113.9');
      // The admin limiter now keys on that client: another client behind the same proxy is not blocked.
      for (let i = 0; i < 20; i++) {
        const r = await fetch(`${proxied.url}/admin/v1/tenants`, {
          headers: { authorization: 'Bearer nope', 'x-forwarded-for': '203.0.113.9' },
        });
        expect(r.status).toBe(401);
      }
      const blocked = await fetch(`${proxied.url}/admin/v1/tenants`, {
        headers: { authorization: 'Bearer nope', 'x-forwarded-for': '203.0.113.9' },
      });
      expect(blocked.status).toBe(429);
      const neighbour = await fetch(`${proxied.url}/admin/v1/tenants`, {
        headers: { authorization: 'Bearer nope', 'x-forwarded-for': '203.0.113.10' },
      });
      expect(neighbour.status).toBe(401);
    } finally {
      await proxied.stop();
    }
  });
});

describe('paths and hosts that try to reach another route', () => {
  let guarded: Seeded;
  beforeAll(async () => {
    // An open API at /open and a keyed one under it at /open/admin, on the same upstream: the classic
    // "normalise past the guard" set-up.
    await seedKeyedApi(gw.admin, { targets: [{ url: other.url }], basePath: '/open', auth: 'none' });
    guarded = await seedKeyedApi(gw.admin, { targets: [{ url: other.url }], basePath: '/open/admin' });
    await seedKeyedApi(gw.admin, {
      targets: [{ url: other.url }],
      basePath: '/hosted',
      tenantId: guarded.tenantId,
    });
  });

  it.each([
    '/open//admin/x',
    '//open/admin/x',
    '/open/%2e%2e/open/admin/x',
    '/open/x/%2E%2E/admin',
    '/open/..;/open/admin/x',
    '/open%2fadmin/x',
    '/open/x/..%2F..%2Fopen%2Fadmin',
    '/open/%5c..%5cadmin',
  ])('%s → 400, the guarded upstream path is never reached', async (path) => {
    const before = other.seen.length;
    const reply = await rawExchange(gw.port, [
      head([`GET ${path} HTTP/1.1`, 'Host: a', 'Connection: close']),
    ]);
    expect([path, reply.status]).toEqual([path, 400]);
    expect(JSON.parse(bodyOf(reply.text)).code).toBe('bad_request');
    expect(other.seen.length).toBe(before);
  });

  it('the keyed API under the open one still wants its key', async () => {
    expect((await fetch(`${gw.url}/open/admin/x`)).status).toBe(401);
    expect((await fetch(`${gw.url}/open/admin/x`, { headers: { 'x-api-key': guarded.key } })).status).toBe(
      200,
    );
    expect((await fetch(`${gw.url}/open/x`)).status).toBe(200);
  });

  it('a Host that merely contains a routed host does not reach its API', async () => {
    const s = await seedKeyedApi(gw.admin, { targets: [{ url: other.url }], basePath: '/only-host' });
    await gw.admin.ok('PATCH', `/admin/v1/apis/${s.apiId}`, { host: 'api.example.test' });
    await gw.snapshot.refresh(true);
    const call = async (host: string) => {
      const reply = await rawExchange(gw.port, [
        head(['GET /only-host/x HTTP/1.1', `Host: ${host}`, `x-api-key: ${s.key}`, 'Connection: close']),
      ]);
      return reply.status;
    };
    expect(await call('api.example.test')).toBe(200);
    expect(await call('API.Example.Test:8080')).toBe(200);
    for (const host of ['api.example.test.evil.test', 'xapi.example.test', 'evil.test', 'api.example.tes'])
      expect([host, await call(host)]).toEqual([host, 404]);
  });

  it('an API bound to host:port answers on that authority only', async () => {
    const s = await seedKeyedApi(gw.admin, { targets: [{ url: other.url }], basePath: '/port-host' });
    await gw.admin.ok('PATCH', `/admin/v1/apis/${s.apiId}`, { host: 'api.example.test:8443' });
    await gw.snapshot.refresh(true);
    const call = async (host: string) =>
      (
        await rawExchange(gw.port, [
          head(['GET /port-host/x HTTP/1.1', `Host: ${host}`, `x-api-key: ${s.key}`, 'Connection: close']),
        ])
      ).status;
    expect(await call('API.example.test:8443')).toBe(200);
    for (const host of ['api.example.test', 'api.example.test:8444', 'api.example.test:84430'])
      expect([host, await call(host)]).toEqual([host, 404]);
  });
});
