// Token introspection against a real RFC 7662 endpoint on port 0: active tokens map to their app, answers are
// cached (positive and negative), an endpoint outage is 503 for unknown tokens only.
import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  json,
  listen,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../../test-support/harness.js';

let echo: Echo;
let gw: TestGateway;
let endpoint: string;
const server = createServer(answer);
/** token → the endpoint's answer; anything else is inactive. */
const tokens = new Map<string, Record<string, unknown>>();
const asked: { token: string | null; hint: string | null; authorization: string | undefined }[] = [];
let failing = false;

function answer(req: IncomingMessage, res: import('node:http').ServerResponse) {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    const form = new URLSearchParams(body);
    asked.push({
      token: form.get('token'),
      hint: form.get('token_type_hint'),
      authorization: req.headers.authorization,
    });
    if (failing) {
      res.writeHead(500).end();
      return;
    }
    if (req.headers.authorization !== `Basic ${Buffer.from('gateway:s3cret').toString('base64')}`) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(tokens.get(form.get('token') ?? '') ?? { active: false }));
  });
}

const call = (path: string, token?: string) =>
  fetch(`${gw.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const askedFor = (token: string) => asked.filter((a) => a.token === token).length;

async function refused(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await json(res);
  expect(body.code).toBe(code);
  return body;
}

let appId: string;
let apiId: string;

beforeAll(async () => {
  endpoint = `${await listen(server)}/oauth/introspect`;
  echo = await startEcho();
  gw = await startTestGateway();
  const s = await seedKeyedApi(gw.admin, {
    targets: [{ url: echo.url }],
    basePath: '/opaque',
    auth: 'introspection',
    settings: {
      introspection: {
        url: endpoint,
        clientId: 'gateway',
        clientSecret: 's3cret',
        audiences: ['orders'],
        cache: { activeMs: 600_000, inactiveMs: 600_000 },
        scopes: ['orders.read'],
        claimHeaders: { username: 'x-user' },
      },
    },
  });
  appId = s.appId;
  apiId = s.apiId;
  await gw.admin.ok('POST', `/admin/v1/apps/${s.appId}/clients`, { value: 'orders-client' });
  const exp = Math.floor(Date.now() / 1000) + 600;
  const active = { active: true, client_id: 'orders-client', aud: 'orders', scope: 'orders.read', exp };
  tokens.set('tok-good', { ...active, username: 'alice' });
  tokens.set('tok-cached', active);
  tokens.set('tok-other-aud', { ...active, aud: 'billing' });
  tokens.set('tok-no-scope', { ...active, scope: 'profile' });
  tokens.set('tok-expired', { ...active, exp: exp - 1200 });
  tokens.set('tok-stranger', { ...active, client_id: 'who' });
});
afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  server.closeAllConnections();
  server.close();
});

describe('token introspection', () => {
  it('maps an active token to its app, asks once with the gateway credentials, then answers from the cache', async () => {
    const res = await call('/opaque/orders', 'tok-good');
    expect(res.status).toBe(200);
    const seen = echo.seen.at(-1)!;
    expect(seen.headers['x-gateway-app']).toBe(appId);
    expect(seen.headers['x-user']).toBe('alice');
    expect(seen.headers.authorization).toBeUndefined();
    expect(asked.filter((a) => a.token === 'tok-good')).toEqual([
      {
        token: 'tok-good',
        hint: 'access_token',
        authorization: `Basic ${Buffer.from('gateway:s3cret').toString('base64')}`,
      },
    ]);
    expect((await call('/opaque/orders', 'tok-good')).status).toBe(200);
    expect(askedFor('tok-good')).toBe(1);
    // The client secret is sealed at rest and masked in reads (policies/sealed-settings.ts); the call above
    // proves the data plane opened it.
    const read = await gw.admin.ok('GET', `/admin/v1/apis/${apiId}`);
    expect(read.settings.introspection.clientSecret).toBe('(sealed …cret)');
  });

  it('refuses inactive, expired, foreign-audience, out-of-scope and unmapped tokens with their codes', async () => {
    const none = await call('/opaque/x');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="gateway"');
    await refused(none, 401, 'token_missing');
    const first = await call('/opaque/x', 'tok-unknown');
    expect(first.headers.get('www-authenticate')).toBe(
      'Bearer realm="gateway", error="invalid_token", error_description="the token is not active"',
    );
    const inactive = await refused(first, 401, 'token_invalid');
    expect(inactive.detail).toBe('the token is not active');
    // Negative answers are cached too: a replayed bad token does not reach the endpoint again.
    await refused(await call('/opaque/x', 'tok-unknown'), 401, 'token_invalid');
    expect(askedFor('tok-unknown')).toBe(1);
    await refused(await call('/opaque/x', 'tok-expired'), 401, 'token_expired');
    await refused(await call('/opaque/x', 'tok-other-aud'), 401, 'token_audience_invalid');
    await refused(await call('/opaque/x', 'tok-stranger'), 401, 'token_client_unknown');
    const res = await call('/opaque/x', 'tok-no-scope');
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="gateway", error="insufficient_scope", scope="orders.read"',
    );
    await refused(res, 403, 'insufficient_scope');
  });

  it('keeps serving cached tokens while the endpoint fails, and answers 503 for tokens it has not seen', async () => {
    expect((await call('/opaque/x', 'tok-cached')).status).toBe(200);
    failing = true;
    try {
      expect((await call('/opaque/x', 'tok-cached')).status).toBe(200);
      tokens.set('tok-new', { ...tokens.get('tok-cached')! });
      const body = await refused(await call('/opaque/x', 'tok-new'), 503, 'introspection_unavailable');
      expect(body.detail).toBe('the token could not be checked with its issuer; retry later');
      expect(askedFor('tok-new')).toBe(1);
    } finally {
      failing = false;
    }
    // A failure is not cached: the next call asks again and gets in.
    expect((await call('/opaque/x', 'tok-new')).status).toBe(200);
    expect(askedFor('tok-new')).toBe(2);
  });
});
