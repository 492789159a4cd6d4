// CORS per API over real sockets: off by default; when configured, preflights answered by the gateway before
// the key check, allow headers on answers to listed origins only, and the upstream's own CORS headers replaced.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  listen,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../../test-support/harness.js';

let echo: Echo;
let gw: TestGateway;
let plain: Seeded;
let withCors: Seeded;
const upstream = createServer((_req, res) => {
  res.setHeader('access-control-allow-origin', '*');
  res.end('up');
});

const cors = {
  origins: ['https://app.example.test'],
  methods: ['GET', 'POST', 'DELETE'],
  headers: ['x-api-key', 'content-type'],
  exposeHeaders: ['x-request-id'],
  credentials: true,
  maxAge: 120,
};

beforeAll(async () => {
  echo = await startEcho();
  const url = await listen(upstream);
  gw = await startTestGateway();
  plain = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/plain' });
  withCors = await seedKeyedApi(gw.admin, { targets: [{ url }], basePath: '/cors' });
  await gw.admin.ok('PATCH', `/admin/v1/apis/${withCors.apiId}`, { settings: { cors } });
  await gw.snapshot.refresh(true);
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

const preflight = (path: string, origin: string) =>
  fetch(`${gw.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'DELETE',
      'access-control-request-headers': 'x-api-key',
    },
  });

const corsHeaders = (res: Response) =>
  Object.fromEntries(
    [...res.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'),
  );

describe('CORS', () => {
  it('is off by default: a preflight is an ordinary call (401 without a key) and answers carry no CORS headers', async () => {
    const pre = await preflight('/plain/x', 'https://app.example.test');
    expect(pre.status).toBe(401);
    expect(corsHeaders(pre)).toEqual({});
    const res = await fetch(`${gw.url}/plain/x`, {
      headers: { origin: 'https://app.example.test', 'x-api-key': plain.key },
    });
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({});
  });

  it('answers a preflight from a listed origin with 204 and the configured allow headers, without a key', async () => {
    const before = echo.seen.length;
    const res = await preflight('/cors/x', 'https://app.example.test');
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': 'https://app.example.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': 'x-api-key, content-type',
      'access-control-expose-headers': 'x-request-id',
      'access-control-max-age': '120',
      vary: 'Origin',
    });
    expect(await res.text()).toBe('');
    expect(echo.seen.length).toBe(before);
  });

  it('answers a preflight from another origin with 204 and no allow headers (the browser then blocks)', async () => {
    const res = await preflight('/cors/x', 'https://evil.example.test');
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({ vary: 'Origin' });
  });

  it("replaces the upstream's CORS headers with its own, on success and on errors", async () => {
    const ok = await fetch(`${gw.url}/cors/x`, {
      headers: { origin: 'https://app.example.test', 'x-api-key': withCors.key },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('up');
    expect(corsHeaders(ok)).toEqual({
      'access-control-allow-origin': 'https://app.example.test',
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'x-request-id',
      vary: 'Origin',
    });
    const other = await fetch(`${gw.url}/cors/x`, {
      headers: { origin: 'https://evil.example.test', 'x-api-key': withCors.key },
    });
    expect(other.status).toBe(200);
    expect(corsHeaders(other)).toEqual({ vary: 'Origin' }); // the upstream's "*" is gone
    const denied = await fetch(`${gw.url}/cors/x`, { headers: { origin: 'https://app.example.test' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
  });

  it('refuses invalid settings with 400 naming the field', async () => {
    const r = await gw.admin.request('PATCH', `/admin/v1/apis/${plain.apiId}`, {
      settings: { cors: { origins: ['*'], credentials: true } },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { in: 'body', field: 'settings.cors.origins', message: 'cannot be * when credentials is true' },
    ]);
    const bad = await gw.admin.request('PATCH', `/admin/v1/apis/${plain.apiId}`, {
      settings: { cors: { origins: ['app.example.test'] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('settings.cors.origins.0');
  });
});
