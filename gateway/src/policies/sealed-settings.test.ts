// Secrets in API settings (a JWT shared secret, an introspection client secret) against a real gateway: sealed
// in the store, masked in every admin read, kept when the mask is written back, replaced when a new value is,
// opened for the data plane, bound to their API, and sealed at start-up when written before sealing existed.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSettingsBox } from '../security/secret-box.js';
import {
  type Echo,
  json,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { AUDIENCE, ISSUER } from '../test-support/token-issuer.js';
import { defaultRegistry } from './registry.js';
import { sealStoredSecrets } from './sealed-settings.js';

let echo: Echo;
let gw: TestGateway;
const FIRST = 'the-first-shared-secret-of-32-chars-0001';
const SECOND = 'the-second-shared-secret-of-32-chars-0002';

const jwt = (sharedSecret: string) => ({ jwt: { issuers: [ISSUER], audiences: [AUDIENCE], sharedSecret } });

const hs256 = (secret: string, client: string) =>
  new SignJWT({ iss: ISSUER, aud: AUDIENCE, client_id: client, exp: Math.floor(Date.now() / 1000) + 60 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(secret));

const call = async (path: string, token: string) =>
  (await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;

const storedSettings = async (id: string) =>
  (await gw.store.db.selectFrom('apis').select('settings').where('id', '=', id).executeTakeFirstOrThrow())
    .settings;

async function seed(basePath: string, client: string, secret: string) {
  const s = await seedKeyedApi(gw.admin, {
    targets: [{ url: echo.url }],
    basePath,
    auth: 'jwt',
    settings: jwt(secret),
  });
  await gw.admin.ok('POST', `/admin/v1/apps/${s.appId}/clients`, { value: client });
  return s;
}

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

describe('secrets in API settings', () => {
  it('are sealed in the store, masked in every read, and opened for the data plane', async () => {
    const s = await seed('/sealed', 'client-sealed', FIRST);
    const stored = await storedSettings(s.apiId);
    expect(stored).not.toContain(FIRST);
    expect(JSON.parse(stored).jwt.sharedSecret).toEqual({
      sealed: expect.stringMatching(/^v1\./),
      hint: '…0001',
    });
    const read = await gw.admin.ok('GET', `/admin/v1/apis/${s.apiId}`);
    expect(read.settings.jwt.sharedSecret).toBe('(sealed …0001)');
    const listed = await gw.admin.ok('GET', '/admin/v1/apis');
    const mine = listed.items.find((a: { id: string }) => a.id === s.apiId);
    expect(mine.settings.jwt.sharedSecret).toBe('(sealed …0001)');
    const audit = JSON.stringify(await gw.admin.ok('GET', '/admin/v1/audit?limit=500'));
    expect(audit).not.toContain(FIRST);
    expect(await call('/sealed/x', await hs256(FIRST, 'client-sealed'))).toBe(200);
  });

  it('keeps the stored secret when the mask is written back, and replaces it when a value is', async () => {
    const s = await seed('/rotate', 'client-rotate', FIRST);
    const read = await gw.admin.ok('GET', `/admin/v1/apis/${s.apiId}`);
    const kept = await gw.admin.ok('PATCH', `/admin/v1/apis/${s.apiId}`, {
      settings: { jwt: { ...read.settings.jwt, clockSkewSeconds: 10 } },
    });
    expect([kept.settings.jwt.sharedSecret, kept.settings.jwt.clockSkewSeconds]).toEqual([
      '(sealed …0001)',
      10,
    ]);
    expect(await call('/rotate/x', await hs256(FIRST, 'client-rotate'))).toBe(200);
    // A patch of the kind alone re-checks the settings with the secret opened, and seals it again.
    const renamed = await gw.admin.ok('PATCH', `/admin/v1/apis/${s.apiId}`, { kind: 'rest' });
    expect(renamed.settings.jwt.sharedSecret).toBe('(sealed …0001)');
    await gw.admin.ok('PATCH', `/admin/v1/apis/${s.apiId}`, { settings: jwt(SECOND) });
    expect(await call('/rotate/x', await hs256(FIRST, 'client-rotate'))).toBe(401);
    expect(await call('/rotate/x', await hs256(SECOND, 'client-rotate'))).toBe(200);
  });

  it('refuses a mask where no secret is stored to keep', async () => {
    const tenant = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'mask-tenant' });
    const res = await gw.admin.request('POST', '/admin/v1/apis', {
      tenantId: tenant.id,
      name: 'masked',
      basePath: '/masked',
      auth: 'jwt',
      targets: [{ url: echo.url }],
      settings: jwt('(sealed …0001)'),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        in: 'body',
        field: 'settings.jwt.sharedSecret',
        message: 'is a mask, and no secret is stored to keep',
      },
    ]);
  });

  it('does not open on another API: a sealed value copied over refuses that API', async () => {
    const a = await seed('/copy-from', 'client-copy-a', FIRST);
    const b = await seed('/copy-to', 'client-copy-b', SECOND);
    await gw.store.db
      .updateTable('apis')
      .set({ settings: await storedSettings(a.apiId) })
      .where('id', '=', b.apiId)
      .execute();
    await gw.snapshot.refresh(true);
    const res = await fetch(`${gw.url}/copy-to/x`, {
      headers: { authorization: `Bearer ${await hs256(FIRST, 'client-copy-b')}` },
    });
    expect([res.status, (await json(res)).code]).toEqual([500, 'internal']);
  });

  it('seals, at start-up, a secret written in the clear before sealing existed', async () => {
    const s = await seed('/legacy', 'client-legacy', FIRST);
    await gw.store.db
      .updateTable('apis')
      .set({ settings: JSON.stringify(jwt(SECOND)) })
      .where('id', '=', s.apiId)
      .execute();
    await gw.snapshot.refresh(true);
    // Plain values still work until sealed, and are masked in reads all the same.
    expect(await call('/legacy/x', await hs256(SECOND, 'client-legacy'))).toBe(200);
    expect((await gw.admin.ok('GET', `/admin/v1/apis/${s.apiId}`)).settings.jwt.sharedSecret).toBe(
      '(sealed …0002)',
    );
    const box = apiSettingsBox(gw.ctx.env);
    expect(await sealStoredSecrets(gw.store.db, defaultRegistry.secretFields, box)).toBe(1);
    expect(await storedSettings(s.apiId)).not.toContain(SECOND);
    expect(await sealStoredSecrets(gw.store.db, defaultRegistry.secretFields, box)).toBe(0);
    await gw.snapshot.refresh(true);
    expect(await call('/legacy/x', await hs256(SECOND, 'client-legacy'))).toBe(200);
  });
});
