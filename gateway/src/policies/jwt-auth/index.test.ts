// JWT auth against a real JWKS server: claims, failures each with its code, key rotation, the rate-limited
// refresh, an outage within and past its bound, and a mapped app's subscription, plan and quota.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../observability/call-record.js';
import {
  type Echo,
  json,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../../test-support/harness.js';
import {
  AUDIENCE,
  ISSUER,
  type JwksServer,
  type SigningKey,
  signingKey,
  signToken,
  startJwksServer,
} from '../../test-support/token-issuer.js';

let echo: Echo;
let gw: TestGateway;
let jwks: JwksServer;
let k1: SigningKey;
let k2: SigningKey;
const records: CallRecord[] = [];

const jwtSettings = (extra: Record<string, unknown> = {}) => ({
  jwt: {
    issuers: [ISSUER],
    audiences: [AUDIENCE],
    jwksUrl: jwks.url,
    jwks: { refreshMs: 300_000, cooldownMs: 0, maxStaleMs: 3_600_000 },
    ...extra,
  },
});

/** A JWT API whose app registered `client`. */
async function seedJwtApi(basePath: string, client: string, settings: Record<string, unknown>, plan = {}) {
  const seeded = await seedKeyedApi(gw.admin, {
    targets: [{ url: echo.url }],
    basePath,
    auth: 'jwt',
    settings,
    plan,
  });
  await gw.admin.ok('POST', `/admin/v1/apps/${seeded.appId}/clients`, { value: client });
  return seeded;
}

const call = (path: string, token?: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });

async function refused(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await json(res);
  expect(body.code).toBe(code);
  return body;
}

beforeAll(async () => {
  [k1, k2] = await Promise.all([signingKey('k1'), signingKey('k2')]);
  jwks = await startJwksServer([k1.publicJwk]);
  echo = await startEcho();
  gw = await startTestGateway({}, { recorders: [(r) => records.push(r)] });
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all([echo?.close(), jwks?.close()]);
});

describe('jwt auth', () => {
  it('maps the token to its app: identity and claim headers upstream, the token kept back, the call recorded as jwt, the plan enforced', async () => {
    const s = await seedJwtApi(
      '/jwt-ok',
      'client-ok',
      jwtSettings({ claimHeaders: { sub: 'x-user-id', scope: 'x-user-scopes' } }),
      { quota: { requestsPerDay: 2 } },
    );
    const token = await signToken(k1, { sub: 'alice', client_id: 'client-ok', scope: 'read write' });
    const res = await call('/jwt-ok/hello', token, { 'x-user-id': 'mallory' });
    expect(res.status).toBe(200);
    const seen = echo.seen.at(-1)!;
    expect(seen.headers['x-gateway-app']).toBe(s.appId);
    expect(seen.headers['x-gateway-tenant']).toBe(s.tenantId);
    expect(seen.headers['x-gateway-subscription']).toBe(s.subscriptionId);
    expect(seen.headers['x-user-id']).toBe('alice');
    expect(seen.headers['x-user-scopes']).toBe('read write');
    expect(seen.headers.authorization).toBeUndefined();
    expect((await call('/jwt-ok/hello', token)).status).toBe(200);
    // The plan's daily quota of 2 holds for the mapped app, whatever token of its client comes next.
    const third = await signToken(k1, { sub: 'bob', azp: 'client-ok' });
    await refused(await call('/jwt-ok/hello', third), 429, 'quota_exceeded');
    await gw.callLog.drain(5000);
    const mine = records.filter((r) => r.apiId === s.apiId);
    expect(mine.map((r) => [r.status, r.authMethod, r.appId])).toEqual([
      [200, 'jwt', s.appId],
      [200, 'jwt', s.appId],
      [429, 'jwt', s.appId],
    ]);
  });

  it('refuses each bad token with its own code and a Bearer challenge', async () => {
    await seedJwtApi('/jwt-bad', 'client-bad', jwtSettings());
    const good = { client_id: 'client-bad' };
    const now = Math.floor(Date.now() / 1000);
    const missing = await refused(await call('/jwt-bad/x'), 401, 'token_missing');
    expect(missing.detail).toBe('send a JWT in Authorization: Bearer');
    const cases: [string, Promise<string>, string, string][] = [
      ['expired', signToken(k1, { ...good, exp: now - 120 }), 'token_expired', 'the token has expired'],
      [
        'not yet valid',
        signToken(k1, { ...good, nbf: now + 600 }),
        'token_not_yet_valid',
        'the token is not valid yet (nbf)',
      ],
      [
        'wrong issuer',
        signToken(k1, { ...good, iss: 'https://evil.test' }),
        'token_issuer_invalid',
        'the token was issued by an issuer this API does not accept',
      ],
      [
        'wrong audience',
        signToken(k1, { ...good, aud: 'https://other.test' }),
        'token_audience_invalid',
        'the token is not meant for this API (aud)',
      ],
      [
        'no exp',
        signToken(k1, { ...good, exp: undefined }),
        'token_invalid',
        "the token's exp claim is missing or invalid",
      ],
      [
        'unregistered client',
        signToken(k1, { client_id: 'nobody' }),
        'token_client_unknown',
        "the token's client is not registered to any app",
      ],
    ];
    for (const [name, token, code, detail] of cases) {
      const res = await call('/jwt-bad/x', await token);
      expect([name, res.status]).toEqual([name, 401]);
      // RFC 6750 §3: the error code and a description; a quote in it would end the quoted-string, so none is.
      expect([name, res.headers.get('www-authenticate')]).toEqual([
        name,
        `Bearer realm="gateway", error="invalid_token", error_description="${detail.replaceAll('"', "'")}"`,
      ]);
      expect([name, await json(res)]).toEqual([name, expect.objectContaining({ code, detail })]);
    }
    expect((await call('/jwt-bad/x')).headers.get('www-authenticate')).toBe('Bearer realm="gateway"');
  });

  it('refuses alg none, HS256 signed with the RSA public key, and a tampered signature', async () => {
    await seedJwtApi('/jwt-alg', 'client-alg', jwtSettings());
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, aud: AUDIENCE, exp: now + 300, client_id: 'client-alg' };
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    // The classic confusion: the verifier's RSA public key (its JWK, or its PEM) used as an HMAC secret.
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode(JSON.stringify(k1.publicJwk)));
    const valid = await signToken(k1, { client_id: 'client-alg' });
    const [h, p, sig] = valid.split('.');
    const tampered = `${h}.${b64({ ...claims, client_id: 'client-ok' })}.${sig}`;
    const flipped = `${h}.${p}.${sig!.slice(0, -4)}AAAA`;
    for (const token of [none, confused, tampered, flipped]) {
      const body = await refused(await call('/jwt-alg/x', token), 401, 'token_invalid');
      expect(body.detail).toBe('the token is not a valid JWT for this API');
    }
    expect((await call('/jwt-alg/x', valid)).status).toBe(200);
  });

  it('needs the scopes of the API and of the longest matching route prefix (403 insufficient_scope)', async () => {
    await seedJwtApi(
      '/jwt-scope',
      'client-scope',
      jwtSettings({
        scopes: ['read'],
        routes: [
          { pathPrefix: '/orders', scopes: ['orders'] },
          { pathPrefix: '/orders/admin', scopes: ['orders:admin'] },
        ],
      }),
    );
    const as = (scope: string) => signToken(k1, { client_id: 'client-scope', scope });
    expect((await call('/jwt-scope/items', await as('read'))).status).toBe(200);
    expect((await call('/jwt-scope/orders/1', await as('read orders'))).status).toBe(200);
    const res = await call('/jwt-scope/orders/admin/1', await as('read orders'));
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="gateway", error="insufficient_scope", scope="read orders:admin"',
    );
    const body = await refused(res, 403, 'insufficient_scope');
    expect(body.detail).toBe('the token lacks the scope orders:admin');
    await refused(await call('/jwt-scope/items', await as('write')), 403, 'insufficient_scope');
  });

  it('fetches the JWKS again for an unknown kid (rotation), at most once per cool-down', async () => {
    await seedJwtApi('/jwt-rot', 'client-rot', jwtSettings());
    await seedJwtApi('/jwt-slow', 'client-slow', {
      jwt: {
        ...jwtSettings().jwt,
        jwksUrl: `${jwks.url}?slow`,
        jwks: { refreshMs: 300_000, cooldownMs: 600_000, maxStaleMs: 3_600_000 },
      },
    });
    expect((await call('/jwt-rot/x', await signToken(k1, { client_id: 'client-rot' }))).status).toBe(200);
    expect((await call('/jwt-slow/x', await signToken(k1, { client_id: 'client-slow' }))).status).toBe(200);
    const before = jwks.hits;
    jwks.keys = [k1.publicJwk, k2.publicJwk]; // the issuer rotates k2 in
    expect((await call('/jwt-rot/x', await signToken(k2, { client_id: 'client-rot' }))).status).toBe(200);
    expect(jwks.hits).toBe(before + 1);
    // Within the cool-down an unknown kid is refused without a fetch: a flood of made-up kids costs the issuer nothing.
    for (let i = 0; i < 3; i++)
      await refused(
        await call('/jwt-slow/x', await signToken(k2, { client_id: 'client-slow' })),
        401,
        'token_invalid',
      );
    expect(jwks.hits).toBe(before + 1);
  });

  it('serves cached keys while the JWKS URL is down, within maxStaleMs; then 503 jwks_unavailable', async () => {
    const down = await startJwksServer([k1.publicJwk]);
    const maxStaleMs = 5000;
    await seedJwtApi('/jwt-outage', 'client-outage', {
      jwt: { ...jwtSettings().jwt, jwksUrl: down.url, jwks: { refreshMs: 0, cooldownMs: 0, maxStaleMs } },
    });
    const token = await signToken(k1, { client_id: 'client-outage' });
    expect((await call('/jwt-outage/x', token)).status).toBe(200);
    // The keys were fetched during that call: the bound has passed for sure maxStaleMs after it returned.
    const fetchedBy = Date.now();
    await down.close();
    expect((await call('/jwt-outage/x', token)).status).toBe(200); // stale, within the bound
    await new Promise((r) => setTimeout(r, Math.max(0, fetchedBy + maxStaleMs + 200 - Date.now())));
    const fresh = await signToken(k1, { client_id: 'client-outage', jti: 'never-seen' });
    const after = await refused(await call('/jwt-outage/x', fresh), 503, 'jwks_unavailable');
    expect(after.detail).toBe('the signing keys of this API could not be fetched; retry later');
    // The token verified before the outage is kept verified (verifiedCache, by its hash) within its TTL.
    expect((await call('/jwt-outage/x', token)).status).toBe(200);
  });

  it('checks a kept token against the current snapshot: scopes per path and its client, on every call', async () => {
    const s = await seedJwtApi(
      '/jwt-kept',
      'client-kept',
      jwtSettings({ routes: [{ pathPrefix: '/w', scopes: ['w'] }] }),
    );
    const token = await signToken(k1, { client_id: 'client-kept', scope: 'r' });
    expect((await call('/jwt-kept/r', token)).status).toBe(200);
    await refused(await call('/jwt-kept/w', token), 403, 'insufficient_scope');
    const [client] = (await gw.admin.ok('GET', `/admin/v1/apps/${s.appId}/clients`)).items;
    await gw.admin.ok('DELETE', `/admin/v1/apps/${s.appId}/clients/${client.id}`);
    await refused(await call('/jwt-kept/r', token), 401, 'token_client_unknown');
  });

  it('keeps a client id to one app, and forgets it once removed', async () => {
    const s = await seedJwtApi('/jwt-clients', 'client-one', jwtSettings());
    const other = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/jwt-clients-2' });
    const taken = await gw.admin.request('POST', `/admin/v1/apps/${other.appId}/clients`, {
      value: 'client-one',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.detail).toBe('another app already registered this client');
    const list = await gw.admin.ok('GET', `/admin/v1/apps/${s.appId}/clients`);
    expect(list.items).toEqual([
      {
        id: expect.stringMatching(/^cli_/),
        appId: s.appId,
        kind: 'client_id',
        value: 'client-one',
        createdAt: expect.any(String),
      },
    ]);
    const token = await signToken(k1, { client_id: 'client-one' });
    expect((await call('/jwt-clients/x', token)).status).toBe(200);
    await gw.admin.ok('DELETE', `/admin/v1/apps/${s.appId}/clients/${list.items[0].id}`);
    await refused(await call('/jwt-clients/x', token), 401, 'token_client_unknown');
    const gone = await gw.admin.request('DELETE', `/admin/v1/apps/${s.appId}/clients/${list.items[0].id}`);
    expect(gone.status).toBe(404);
  });

  it('takes HS256 only with an explicit shared secret, and nothing else then', async () => {
    const secret = 'a-shared-secret-of-at-least-32-chars!';
    await seedJwtApi('/jwt-hs', 'client-hs', {
      jwt: { issuers: [ISSUER], audiences: [AUDIENCE], sharedSecret: secret },
    });
    const now = Math.floor(Date.now() / 1000);
    const hs = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: now + 60, client_id: 'client-hs' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
    expect((await call('/jwt-hs/x', hs)).status).toBe(200);
    await refused(
      await call('/jwt-hs/x', await signToken(k1, { client_id: 'client-hs' })),
      401,
      'token_invalid',
    );
  });

  it('refuses settings without exactly one key source, and a JWKS URL the outbound guard refuses', async () => {
    const { apiId } = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/jwt-admin' });
    const patch = (jwt: Record<string, unknown>) =>
      gw.admin.request('PATCH', `/admin/v1/apis/${apiId}`, { auth: 'jwt', settings: { jwt } });
    const both = await patch({
      issuers: [ISSUER],
      audiences: [AUDIENCE],
      jwksUrl: jwks.url,
      sharedSecret: 'x'.repeat(32),
    });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([
      { in: 'body', field: 'settings.jwt', message: 'set exactly one of jwksUrl, keys and sharedSecret' },
    ]);
    const metadata = await patch({
      issuers: [ISSUER],
      audiences: [AUDIENCE],
      jwksUrl: 'http://169.254.169.254/jwks',
    });
    expect(metadata.status).toBe(400);
    expect(metadata.body.errors[0].field).toBe('settings.jwt.jwksUrl');
    const privateKey = await patch({
      issuers: [ISSUER],
      audiences: [AUDIENCE],
      keys: [{ kty: 'RSA', d: 'x' }],
    });
    expect(privateKey.status).toBe(400);
    expect(privateKey.body.errors[0].field).toBe('settings.jwt.keys.0');
  });
});
