// An API accepting several methods (`auth: ["key", "jwt"]`): the first listed method whose credential the call
// carries decides, a bad credential is refused rather than tried against the next method, none → one 401 naming
// every method; the call log records the method that let the call in. Also the admin shape of `auth`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../observability/call-record.js';
import {
  type Echo,
  json,
  type Seeded,
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
let keyFirst: Seeded;
let jwtFirst: Seeded;
const records: CallRecord[] = [];
const CHALLENGE = 'Bearer realm="gateway"';
const invalidChallenge = (detail: string) =>
  `${CHALLENGE}, error="invalid_token", error_description="${detail}"`;

const jwt = () => ({
  jwt: { issuers: [ISSUER], audiences: [AUDIENCE], jwksUrl: jwks.url, jwks: { cooldownMs: 0 } },
});

async function seed(basePath: string, auth: string[], client: string) {
  const s = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath, auth, settings: jwt() });
  await gw.admin.ok('POST', `/admin/v1/apps/${s.appId}/clients`, { value: client });
  return s;
}

const call = (path: string, headers: Record<string, string> = {}) => fetch(`${gw.url}${path}`, { headers });

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return [res.status, (await json(res)).code, res.headers.get('www-authenticate')];
}

beforeAll(async () => {
  k1 = await signingKey('k1');
  jwks = await startJwksServer([k1.publicJwk]);
  echo = await startEcho();
  gw = await startTestGateway({}, { recorders: [(r) => records.push(r)] });
  keyFirst = await seed('/both', ['key', 'jwt'], 'client-both');
  jwtFirst = await seed('/jwt-first', ['jwt', 'key'], 'client-jwt-first');
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all([echo?.close(), jwks?.close()]);
});

describe('several auth methods on one API', () => {
  it('lets a key (either header) or a JWT in, as the same app, and records which method did', async () => {
    const token = await signToken(k1, { client_id: 'client-both' });
    const viaHeader = await call('/both/a', { 'x-api-key': keyFirst.key });
    const viaBearer = await call('/both/b', { authorization: `Bearer ${keyFirst.key}` });
    const viaJwt = await call('/both/c', { authorization: `Bearer ${token}` });
    expect([viaHeader.status, viaBearer.status, viaJwt.status]).toEqual([200, 200, 200]);
    expect(echo.seen.at(-1)!.headers['x-gateway-app']).toBe(keyFirst.appId);
    expect(echo.seen.at(-1)!.headers.authorization).toBeUndefined();
    await gw.callLog.drain(5000);
    const mine = records.filter((r) => r.apiId === keyFirst.apiId);
    expect(mine.map((r) => [r.path, r.status, r.authMethod, r.appId])).toEqual([
      ['/both/a', 200, 'key', keyFirst.appId],
      ['/both/b', 200, 'key', keyFirst.appId],
      ['/both/c', 200, 'jwt', keyFirst.appId],
    ]);
  });

  it('refuses a present but bad credential of the first method, never trying the next one', async () => {
    const token = await signToken(k1, { client_id: 'client-both' });
    // A wrong x-api-key next to a good JWT: the key is the first method's credential, so it decides.
    const badKey = await call('/both/x', {
      'x-api-key': 'gk_000000000000.nope',
      authorization: `Bearer ${token}`,
    });
    expect(await problem(badKey)).toEqual([401, 'key_invalid', invalidChallenge('the API key is not valid')]);
    // A JWT-shaped Bearer with a bad signature is the JWT method's: token_invalid, not a key lookup.
    const tampered = `${token.slice(0, -4)}AAAA`;
    expect(await problem(await call('/both/x', { authorization: `Bearer ${tampered}` }))).toEqual([
      401,
      'token_invalid',
      invalidChallenge('the token is not a valid JWT for this API'),
    ]);
    // A Bearer shaped like neither goes to the first Bearer method listed: the key one.
    expect(await problem(await call('/both/x', { authorization: 'Bearer opaque' }))).toEqual([
      401,
      'key_invalid',
      invalidChallenge('the API key is not valid'),
    ]);
  });

  it('follows the listed order: with jwt first, a good JWT decides although a bad x-api-key came too', async () => {
    const token = await signToken(k1, { client_id: 'client-jwt-first' });
    const res = await call('/jwt-first/x', {
      'x-api-key': 'gk_000000000000.nope',
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    expect(echo.seen.at(-1)!.headers['x-gateway-app']).toBe(jwtFirst.appId);
    const keyOnly = await call('/jwt-first/x', { 'x-api-key': jwtFirst.key });
    expect(keyOnly.status).toBe(200);
  });

  it('answers a call with no credential with one 401 naming every method', async () => {
    const res = await call('/both/x');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(CHALLENGE);
    expect(await json(res)).toEqual({
      type: 'https://gateway-kit.dev/problems/credentials-missing',
      title: 'Credentials required',
      status: 401,
      code: 'credentials_missing',
      detail:
        'send one of: send the API key in x-api-key or Authorization: Bearer; send a JWT in Authorization: Bearer',
      requestId: expect.any(String),
    });
  });

  it('takes auth as a list in the admin API: a list of one is stored as its method, duplicates and none are refused, auth= filters by membership', async () => {
    const tenant = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'several-admin' });
    const body = (auth: unknown, basePath: string) => ({
      tenantId: tenant.id,
      name: basePath,
      basePath,
      auth,
      targets: [{ url: echo.url }],
    });
    expect((await gw.admin.ok('POST', '/admin/v1/apis', body(['jwt'], '/one'))).auth).toBe('jwt');
    const two = await gw.admin.ok('POST', '/admin/v1/apis', body(['mtls', 'key'], '/two'));
    expect(two.auth).toEqual(['mtls', 'key']);
    expect((await gw.admin.ok('GET', `/admin/v1/apis/${two.id}`)).auth).toEqual(['mtls', 'key']);
    for (const bad of [['key', 'key'], ['none', 'key'], [], ['basic']]) {
      const res = await gw.admin.request('POST', '/admin/v1/apis', body(bad, '/bad'));
      expect([bad, res.status, res.body.code]).toEqual([bad, 400, 'validation_failed']);
    }
    const listed = await gw.admin.ok('GET', `/admin/v1/apis?tenantId=${tenant.id}&auth=key`);
    expect(listed.items.map((a: { id: string }) => a.id)).toEqual([two.id]);
    const patched = await gw.admin.ok('PATCH', `/admin/v1/apis/${two.id}`, { auth: 'key' });
    expect(patched.auth).toBe('key');
  });

  it('refuses every call of an API whose listed method has no settings, rather than serving with fewer methods', async () => {
    const s = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      basePath: '/half',
      auth: ['key', 'jwt'],
    });
    const res = await call('/half/x', { 'x-api-key': s.key });
    expect(res.status).toBe(500);
    expect((await json(res)).code).toBe('internal');
  });
});
