// With ADMIN_PORT the portal is served on the admin listener and the data plane answers on another port: the
// catalog tells the portal where each API is called, the portal's CSP lets it call exactly there, and an API
// whose cors policy allows the portal's origin answers the browser's preflight and call. DATA_PLANE_URL (a
// proxy's public URL) overrides the guess. With one listener nothing changes: connect-src stays 'self'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test-support/free-port.js';
import {
  type Echo,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';

const V1 = '/admin/v1';
let echo: Echo;
const started: TestGateway[] = [];

beforeAll(async () => {
  echo = await startEcho();
});
afterAll(async () => {
  await Promise.all(started.map((g) => g.stop()));
  await echo?.close();
});

async function gateway(env: Record<string, unknown>) {
  const gw = await startTestGateway(env);
  started.push(gw);
  return gw;
}

const connectSrc = async (gw: TestGateway) =>
  (await fetch(`${gw.adminUrl}/portal/`)).headers
    .get('content-security-policy')
    ?.split('; ')
    .find((d) => d.startsWith('connect-src'));

/** A published public API whose cors policy allows `origin`, and its catalog entry as the portal reads it. */
async function publicApi(gw: TestGateway, origin: string) {
  const seeded = await seedKeyedApi(gw.admin, {
    targets: [{ url: echo.url }],
    basePath: '/orders',
    approval: 'auto',
    settings: { cors: { origins: [origin], headers: ['x-api-key'], exposeHeaders: ['x-request-id'] } },
  });
  await gw.admin.ok('PATCH', `${V1}/apis/${seeded.apiId}`, { visibility: 'public' });
  const { items } = await gw.admin.ok('GET', `${V1}/catalog`);
  return { seeded, entry: items.find((e: { id: string }) => e.id === seeded.apiId) };
}

describe('the portal and a data plane on another port', () => {
  it('learns the call URL from the catalog, may connect there, and CORS lets the try-it call through', async () => {
    const port = await freePort();
    const gw = await gateway({ PORT: port, ADMIN_PORT: 0 });
    const scheme = new URL(gw.url).protocol;
    const portal = new URL(gw.adminUrl).origin;
    const dataPlane = `${scheme}//127.0.0.1:${port}`;
    expect(gw.url).toBe(dataPlane);
    expect(await connectSrc(gw)).toBe(`connect-src 'self' ${dataPlane}`);
    const { seeded, entry } = await publicApi(gw, portal);
    expect(entry.callUrl).toBe(`${dataPlane}/orders`);

    // What Chromium sends for try-it's keyed GET from the portal's origin: a preflight, then the call.
    const preflight = await fetch(`${entry.callUrl}/hello`, {
      method: 'OPTIONS',
      headers: {
        origin: portal,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-api-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(portal);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('x-api-key');
    const call = await fetch(`${entry.callUrl}/hello`, {
      headers: { origin: portal, 'x-api-key': seeded.key },
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe(portal);
    expect(call.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(((await call.json()) as { path: string }).path).toBe('/hello');
  });

  it('takes DATA_PLANE_URL over the guess, path prefix included', async () => {
    const gw = await gateway({ ADMIN_PORT: 0, DATA_PLANE_URL: 'https://api.example.test/edge/' });
    expect(await connectSrc(gw)).toBe("connect-src 'self' https://api.example.test");
    const { entry } = await publicApi(gw, 'https://portal.example.test');
    expect(entry.callUrl).toBe('https://api.example.test/edge/orders');
  });

  it('keeps connect-src to the page’s own origin with one listener', async () => {
    const gw = await gateway({});
    expect(await connectSrc(gw)).toBe("connect-src 'self'");
    const { entry } = await publicApi(gw, 'https://portal.example.test');
    expect(entry.callUrl).toBe(`${gw.url}/orders`);
  });
});
