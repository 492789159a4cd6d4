// The data plane over real sockets: every outcome of API.md against the real echo backend.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seedAiApi } from '../test-support/ai-fixtures.js';
import { freePort } from '../test-support/free-port.js';
import {
  type Echo,
  json,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';

let echo: Echo;
let gw: TestGateway;
let seeded: Seeded;

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway();
  seeded = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], maxBodyBytes: 1024, timeoutMs: 400 });
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    // Keep the path exactly as given.
    req.path = path;
    req.end();
  });
}

const problemType = (code: string) => `https://gateway-kit.dev/problems/${code.replaceAll('_', '-')}`;

describe('a keyed call with an approved subscription', () => {
  it('reaches the upstream with the base path stripped, identity set and the key removed', async () => {
    const res = await fetch(`${gw.url}/echo/items/7?color=red`, {
      headers: {
        'x-api-key': seeded.key,
        'x-gateway-tenant': 'spoofed',
        'x-gateway-app': 'spoofed',
        'x-request-id': 'req-123',
        'x-custom': 'kept',
      },
    });
    expect(res.status).toBe(200);
    // The client's id is not the call's (see the request-id tests below).
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await json(res);
    expect(body.method).toBe('GET');
    expect(body.path).toBe('/items/7');
    expect(body.query).toEqual({ color: 'red' });
    expect(body.headers['x-api-key']).toBeUndefined();
    expect(body.headers['x-gateway-tenant']).toBe(seeded.tenantId);
    expect(body.headers['x-gateway-app']).toBe(seeded.appId);
    expect(body.headers['x-gateway-subscription']).toBe(seeded.subscriptionId);
    expect(body.headers['x-custom']).toBe('kept');
    expect(body.headers['x-request-id']).toBe(res.headers.get('x-request-id'));
    expect(body.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(body.headers['x-forwarded-proto']).toBe('http');
    expect(body.headers['x-forwarded-host']).toBe(new URL(gw.url).host);
  });

  it('accepts the key as a bearer token and does not pass the Authorization header on', async () => {
    const res = await fetch(`${gw.url}/echo`, { headers: { authorization: `Bearer ${seeded.key}` } });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.path).toBe('/');
    expect(body.headers.authorization).toBeUndefined();
  });

  it('streams a request body to the upstream and the response back', async () => {
    const payload = 'x'.repeat(1000);
    const res = await fetch(`${gw.url}/echo/upload`, {
      method: 'POST',
      headers: { 'x-api-key': seeded.key, 'content-type': 'text/plain' },
      body: payload,
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.body).toBe(payload);
    expect(body.bodyBytes).toBe(1000);
  });

  it('passes upstream statuses through untouched', async () => {
    const res = await fetch(`${gw.url}/echo/status/418`, { headers: { 'x-api-key': seeded.key } });
    expect(res.status).toBe(418);
  });

  it('generates a request id when the client sends none or a malformed one', async () => {
    const res = await fetch(`${gw.url}/echo`, {
      headers: { 'x-api-key': seeded.key, 'x-request-id': 'bad id!' },
    });
    const body = await json(res);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.headers['x-request-id']).toBe(res.headers.get('x-request-id'));
  });
});

describe('refusals, each a problem document', () => {
  async function expectProblem(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = await json(res);
    expect(body).toMatchObject({
      type: problemType(code),
      status,
      code,
      requestId: res.headers.get('x-request-id'),
    });
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    return body;
  }

  it('401 without a key, and nothing reaches the upstream', async () => {
    const before = echo.seen.length;
    const res = await fetch(`${gw.url}/echo`);
    await expectProblem(res, 401, 'key_missing');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gateway"');
    expect(echo.seen.length).toBe(before);
  });

  it('401 with an unknown key or a wrong secret for a known prefix', async () => {
    await expectProblem(
      await fetch(`${gw.url}/echo`, { headers: { 'x-api-key': 'gk_nope.secret' } }),
      401,
      'key_invalid',
    );
    const [prefix] = seeded.key.split('.');
    await expectProblem(
      await fetch(`${gw.url}/echo`, { headers: { 'x-api-key': `${prefix}.wrong` } }),
      401,
      'key_invalid',
    );
    await expectProblem(
      await fetch(`${gw.url}/echo`, { headers: { 'x-api-key': 'no-dot' } }),
      401,
      'key_invalid',
    );
  });

  it('401 with an expired key', async () => {
    const key = await gw.admin.ok('POST', `/admin/v1/apps/${seeded.appId}/keys`, {
      name: 'short',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect((await fetch(`${gw.url}/echo`, { headers: { 'x-api-key': key.key } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    await expectProblem(
      await fetch(`${gw.url}/echo`, { headers: { 'x-api-key': key.key } }),
      401,
      'key_expired',
    );
  });

  it('403 for an app with no subscription to the API', async () => {
    const other = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/other' });
    await expectProblem(
      await fetch(`${gw.url}/echo`, { headers: { 'x-api-key': other.key } }),
      403,
      'subscription_required',
    );
    expect((await fetch(`${gw.url}/other`, { headers: { 'x-api-key': other.key } })).status).toBe(200);
  });

  it('404 when no API is published at the path', async () => {
    await expectProblem(
      await fetch(`${gw.url}/nowhere`, { headers: { 'x-api-key': seeded.key } }),
      404,
      'route_not_found',
    );
    // A longer name sharing the prefix is not the same base path.
    await expectProblem(
      await fetch(`${gw.url}/echoes`, { headers: { 'x-api-key': seeded.key } }),
      404,
      'route_not_found',
    );
  });

  it('400 for dot segments that an upstream could resolve outside the base path', async () => {
    // fetch would resolve dot segments itself; node:http sends the path exactly as written.
    for (const path of [
      '/echo/%2e%2e/other',
      '/echo/../other',
      '/echo/..%2fother',
      '/echo/a%2Fb',
      '/echo/.%2E/x',
    ]) {
      const { status, body } = await rawGet(path, { 'x-api-key': seeded.key });
      expect([path, status]).toEqual([path, 400]);
      expect(JSON.parse(body).code).toBe('bad_request');
    }
  });

  it('413 for a declared body over the limit, before anything is forwarded', async () => {
    const before = echo.seen.length;
    const res = await fetch(`${gw.url}/echo`, {
      method: 'POST',
      headers: { 'x-api-key': seeded.key },
      body: 'y'.repeat(1025),
    });
    await expectProblem(res, 413, 'body_too_large');
    expect(echo.seen.length).toBe(before);
  });

  it('413 for a chunked body that grows past the limit', async () => {
    const chunks = new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode('z'.repeat(400)));
        c.close();
      },
    });
    const res = await fetch(`${gw.url}/echo`, {
      method: 'POST',
      headers: { 'x-api-key': seeded.key },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 413, 'body_too_large');
  });

  it('504 when the upstream answers after the API timeout', async () => {
    await expectProblem(
      await fetch(`${gw.url}/echo/delay/2000`, { headers: { 'x-api-key': seeded.key } }),
      504,
      'upstream_timeout',
    );
  });

  it('502 when the upstream refuses connections', async () => {
    const dead = await seedKeyedApi(gw.admin, {
      targets: [{ url: `http://127.0.0.1:${await freePort()}` }],
      basePath: '/dead',
    });
    await expectProblem(
      await fetch(`${gw.url}/dead`, { headers: { 'x-api-key': dead.key } }),
      502,
      'upstream_unavailable',
    );
  });
});

describe('targets', () => {
  it('spreads calls by weight, exactly, with smooth round-robin', async () => {
    const second = await startEcho();
    try {
      const s = await seedKeyedApi(gw.admin, {
        targets: [
          { url: echo.url, weight: 3 },
          { url: second.url, weight: 1 },
        ],
        basePath: '/weighted',
      });
      const firstBefore = echo.seen.length;
      for (let i = 0; i < 8; i++) {
        expect((await fetch(`${gw.url}/weighted`, { headers: { 'x-api-key': s.key } })).status).toBe(200);
      }
      expect(echo.seen.length - firstBefore).toBe(6);
      expect(second.seen.length).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('retries a body-less GET on the next target after a connect failure, never a POST', async () => {
    const s = await seedKeyedApi(gw.admin, {
      targets: [
        { url: `http://127.0.0.1:${await freePort()}`, weight: 1 },
        { url: echo.url, weight: 1 },
      ],
      basePath: '/retry',
      retries: 1,
    });
    // Two GETs and two failing POSTs: four failures, under the circuit breaker's default threshold of five.
    for (let i = 0; i < 2; i++) {
      expect((await fetch(`${gw.url}/retry`, { headers: { 'x-api-key': s.key } })).status).toBe(200);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${gw.url}/retry`, {
        method: 'POST',
        headers: { 'x-api-key': s.key },
        body: 'p',
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.sort()).toEqual([200, 200, 502, 502]);
  });
});

describe('anonymous APIs', () => {
  it('serves an auth: none API without a key and sends no identity headers', async () => {
    await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/public', auth: 'none' });
    const res = await fetch(`${gw.url}/public/x`, { headers: { 'x-gateway-app': 'spoofed' } });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.path).toBe('/x');
    expect(body.headers['x-gateway-app']).toBeUndefined();
    expect(body.headers['x-gateway-tenant']).toBeUndefined();
  });
});

describe('client abort', () => {
  it('aborts the upstream request when the client goes away', async () => {
    const s = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      basePath: '/slow',
      timeoutMs: 10_000,
    });
    const before = echo.seen.length;
    const controller = new AbortController();
    const pending = fetch(`${gw.url}/slow/delay/5000`, {
      headers: { 'x-api-key': s.key },
      signal: controller.signal,
    });
    while (echo.seen.length === before) await new Promise((r) => setTimeout(r, 10));
    const upstreamReq = echo.seen[echo.seen.length - 1]!;
    const closed = new Promise<void>((resolve) => upstreamReq.socket.once('close', () => resolve()));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await closed;
    expect(upstreamReq.socket.destroyed).toBe(true);
  });
});

describe('WebSocket', () => {
  function open(url: string, headers: Record<string, string>) {
    return new Promise<{ ws?: WebSocket; status?: number; body?: string }>((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve({ ws }));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      ws.once('error', () => {});
    });
  }

  it('upgrades through the gateway after the key and subscription checks', async () => {
    const wsUrl = `${gw.url.replace('http', 'ws')}/echo/ws`;
    const refused = await open(wsUrl, {});
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body!).code).toBe('key_missing');

    const { ws } = await open(wsUrl, { 'x-api-key': seeded.key });
    const reply = new Promise<string>((r) => ws!.once('message', (m) => r(m.toString())));
    ws!.send('hello');
    expect(await reply).toBe('hello');
    ws!.close();
  });

  it('refuses an upgrade to an API the gateway answers itself (kind ai)', async () => {
    const ai = await seedAiApi(gw, { tenantId: seeded.tenantId, kind: 'ai', basePath: '/ws-ai' });
    const refused = await open(`${gw.url.replace('http', 'ws')}/ws-ai/chat/completions`, {
      'x-api-key': ai.key,
    });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body!)).toMatchObject({
      code: 'bad_request',
      detail: 'this API is served by the gateway itself and takes no WebSocket upgrade',
    });
  });
});
