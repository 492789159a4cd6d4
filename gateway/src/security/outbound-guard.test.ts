// One guard for every outbound socket (issue 11, class 6): URLs are checked when written (API targets and AI
// provider base URLs), addresses when the socket connects (IP literals and names alike, undici and node:http
// clients alike), and a loop the address cannot show is stopped by the Via hop (508) after one round.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  json,
  listen,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { cleanCall, expectRecovered, openFds } from '../test-support/hostile.js';
import { overTls, testTls } from '../test-support/transport.js';
import { OutboundGuard } from './outbound.js';

let echo: Echo;
let gw: TestGateway;
let key: string;
let apiId: string;
let baseline: number;

const clean = () => cleanCall(gw.url, key);

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway();
  ({ key, apiId } = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }] }));
  await clean();
  baseline = openFds();
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

afterEach(() => expectRecovered(baseline, clean));

describe('write time', () => {
  const provider = (baseUrl: string) => ({
    tenantId: undefined as string | undefined,
    name: `p-${Math.random().toString(36).slice(2)}`,
    type: 'openai',
    baseUrl,
    keys: [{ key: 'sk-test' }],
  });

  it.each([
    ['the metadata address', 'http://169.254.169.254/v1', 'link-local and cloud metadata'],
    ['the metadata address as a number', 'http://2852039166/v1', 'link-local and cloud metadata'],
    ['a metadata name', 'http://metadata.google.internal/v1', 'link-local and cloud metadata'],
    ['the gateway itself', 'SELF/admin/v1', 'the gateway itself'],
    ['the gateway under localhost', 'LOCALHOST/v1', 'the gateway itself'],
  ])('an AI provider baseUrl at %s → 400 naming baseUrl, on create and on patch', async (_n, url, reason) => {
    const { tenantId } = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      basePath: `/w${Date.now()}`,
    });
    const baseUrl = url.replace('SELF', gw.url).replace('LOCALHOST', `http://localhost:${gw.port}`);
    const created = await gw.admin.request('POST', '/admin/v1/ai/providers', {
      ...provider(baseUrl),
      tenantId,
    });
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([
      { in: 'body', field: 'baseUrl', message: expect.stringContaining(reason) },
    ]);
    const ok = await gw.admin.ok('POST', '/admin/v1/ai/providers', { ...provider(echo.url), tenantId });
    const patched = await gw.admin.request('PATCH', `/admin/v1/ai/providers/${ok.id}`, { baseUrl });
    expect(patched.status).toBe(400);
    expect(patched.body.errors[0].field).toBe('baseUrl');
  });
});

describe('connect time', () => {
  const guardFor = (port: number) => {
    const guard = new OutboundGuard({ allow: '', host: '127.0.0.1', secret: 'test-secret-0123456789' });
    guard.listening(port);
    return guard;
  };

  it.each([
    ['an IPv4 metadata literal', 'http://169.254.169.254', 'EUPSTREAMFORBIDDEN'],
    ['an IPv6 metadata literal', 'http://[fd00:ec2::254]', 'EUPSTREAMFORBIDDEN'],
    ['a mapped metadata literal', 'http://[::ffff:a9fe:a9fe]', 'EUPSTREAMFORBIDDEN'],
    ['the gateway by its loopback literal', 'http://127.0.0.1:PORT', 'EUPSTREAMLOOP'],
    ['the gateway by another loopback literal', 'http://127.0.0.2:PORT', 'EUPSTREAMLOOP'],
    ['the gateway by name', 'http://localhost:PORT', 'EUPSTREAMLOOP'],
  ])('undici (REST and AI): %s is refused', async (_n, url, code) => {
    const pool = new Pool(url.replace('PORT', String(gw.port)), {
      connect: guardFor(gw.port).connector(1000),
    });
    await expect(pool.request({ path: '/echo/x', method: 'GET' })).rejects.toMatchObject({ code });
    await pool.close();
  });

  it.each([
    ['an IPv4 metadata literal', '169.254.169.254', 80, 'EUPSTREAMFORBIDDEN'],
    ['the gateway by its loopback literal', '127.0.0.1', -1, 'EUPSTREAMLOOP'],
    ['the gateway by name', 'localhost', -1, 'EUPSTREAMLOOP'],
  ])('node:http (WebSocket upgrades): %s is refused', async (_n, host, port, code) => {
    const agent = guardFor(gw.port).httpAgent();
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const req = httpRequest({ host, port: port === -1 ? gw.port : port, path: '/echo/x', agent }, () =>
        resolve(new Error('answered')),
      );
      req.on('error', resolve);
      req.end();
    });
    expect(err.code).toBe(code);
    agent.destroy();
  });

  it('a name or port elsewhere passes: the echo backend on loopback', async () => {
    const pool = new Pool(echo.url, { connect: guardFor(gw.port).connector(1000) });
    const res = await pool.request({ path: '/x', method: 'GET' });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    await pool.close();
  });

  it('an API whose stored target is the gateway itself (written before the guard) → 508, no nested call', async () => {
    const before = echo.seen.length;
    await gw.store.db
      .updateTable('apis')
      .set({ targets: JSON.stringify([{ url: `http://127.0.0.1:${gw.port}`, weight: 1 }]) })
      .where('id', '=', apiId)
      .execute();
    await gw.snapshot.refresh(true);
    try {
      const res = await fetch(`${gw.url}/echo/loop`, { headers: { 'x-api-key': key } });
      expect(res.status).toBe(508);
      expect((await json(res)).code).toBe('loop_detected');
      expect(echo.seen.length).toBe(before);
    } finally {
      await gw.store.db
        .updateTable('apis')
        .set({ targets: JSON.stringify([{ url: echo.url, weight: 1 }]) })
        .where('id', '=', apiId)
        .execute();
      await gw.snapshot.refresh(true);
    }
  });
});

describe('loops the address cannot show: the Via hop', () => {
  let relay: Server;
  let relayUrl: string;
  let relayed: IncomingMessage[];

  beforeAll(async () => {
    // A plain forwarding proxy on another port, pointed back at the gateway: the address check cannot see it.
    relayed = [];
    relay = createServer((req, res) => {
      relayed.push(req);
      // Over TLS too when the suite runs that way (npm run test:tls).
      const send = overTls ? httpsRequest : httpRequest;
      const out = send(
        {
          host: '127.0.0.1',
          port: gw.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
          ...(overTls ? { ca: testTls().ca.cert } : {}),
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    relayUrl = await listen(relay);
  });

  afterAll(async () => {
    relay.closeAllConnections();
    await new Promise((r) => relay.close(r));
  });

  it('one round through the relay, then 508: the loop is not repeated', async () => {
    const looped = await seedKeyedApi(gw.admin, { targets: [{ url: relayUrl }], basePath: '/looped' });
    const res = await fetch(`${gw.url}/looped/x`, { headers: { 'x-api-key': looped.key } });
    expect(res.status).toBe(508);
    expect((await json(res)).code).toBe('loop_detected');
    expect(relayed.length).toBe(1);
    expect(String(relayed[0]!.headers.via)).toMatch(/^1\.1 gateway-kit-[0-9a-f]{12}$/);
  });

  it('another gateway deployment in the chain is not a loop: both hops are listed', async () => {
    // Plain HTTP inside: the outer gateway's upstream pool trusts public CAs, not the test one.
    const other = await startTestGateway({
      SECRET_KEY: 'another-deployment-secret-0123',
      TLS_CERT_FILE: undefined,
      TLS_KEY_FILE: undefined,
    });
    try {
      const inner = await seedKeyedApi(other.admin, { targets: [{ url: echo.url }], basePath: '/inner' });
      const outer = await seedKeyedApi(gw.admin, {
        targets: [{ url: `${other.url}/inner` }],
        basePath: '/outer',
      });
      const res = await fetch(`${gw.url}/outer/x`, {
        headers: { 'x-api-key': outer.key, authorization: `Bearer ${inner.key}` },
      });
      expect(res.status).toBe(200);
      const seen = (await json(res)).headers;
      expect(seen.via.split(', ')).toHaveLength(2);
    } finally {
      await other.stop();
    }
  });

  it("a client sending this gateway's own Via is refused (508) and the connection closed", async () => {
    const res = await fetch(`${gw.url}/echo/x`, {
      headers: { 'x-api-key': key, via: `1.0 proxy, ${await viaOf()}` },
    });
    expect(res.status).toBe(508);
    await res.arrayBuffer();
  });

  async function viaOf(): Promise<string> {
    const res = await fetch(`${gw.url}/echo/v`, { headers: { 'x-api-key': key } });
    return (await json(res)).headers.via;
  }
});
