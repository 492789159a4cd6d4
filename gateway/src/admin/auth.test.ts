// Admin authentication over a real socket: platform and tenant tokens, revocation, 401/403/429 and headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSecurityHeaders,
  expectProblem,
  pickHeaders,
  tenantWithToken,
  V1,
} from '../test-support/admin-fixtures.js';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../test-support/harness.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.stop());

describe('admin authentication', () => {
  it('refuses a request without a token with 401, a Bearer challenge and security headers', async () => {
    const reply = await gw.admin.request('GET', `${V1}/apis`, undefined, '');
    expectProblem(reply, 401, 'unauthorized', 'missing bearer token');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="gateway-admin"');
  });

  it('refuses a wrong token, and a non-Bearer scheme', async () => {
    expectProblem(
      await gw.admin.request('GET', `${V1}/apis`, undefined, 'not-the-token'),
      401,
      'unauthorized',
      'invalid or revoked token',
    );
    const basic = await fetch(`${gw.url}${V1}/apis`, { headers: { authorization: `Basic ${ADMIN_TOKEN}` } });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toMatchObject({ code: 'unauthorized', detail: 'invalid or revoked token' });
  });

  it('accepts the platform token, with the security headers on success too', async () => {
    const reply = await gw.admin.request('GET', `${V1}/tenants`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(pickHeaders(reply.headers, Object.keys(adminSecurityHeaders))).toEqual(adminSecurityHeaders);
    expect(reply.headers.get('x-powered-by')).toBeNull();
  });

  it('accepts a tenant token, which may not use platform routes (403)', async () => {
    const tenant = await tenantWithToken(gw.admin, 'auth-a');
    expect(tenant.token).toMatch(/^gkt_[0-9a-f]{12}\.[A-Za-z0-9_-]{27}$/);
    expect((await tenant.client.request('GET', `${V1}/apis`)).body).toEqual({ items: [], nextCursor: null });
    expectProblem(
      await tenant.client.request('GET', `${V1}/tenants`),
      403,
      'forbidden',
      'this operation needs the platform admin role',
    );
    expectProblem(
      await tenant.client.request('POST', `${V1}/tenants/${tenant.id}/tokens`, {}),
      403,
      'forbidden',
      'this operation needs the platform admin role',
    );
  });

  it('stops honouring a revoked tenant token at once, and stores only its hash', async () => {
    const tenant = await tenantWithToken(gw.admin, 'auth-b');
    const [token] = (await gw.admin.ok('GET', `${V1}/tenants/${tenant.id}/tokens`)).items;
    expect(token).toEqual({
      id: expect.stringMatching(/^tok_/),
      tenantId: tenant.id,
      userId: null,
      role: 'owner',
      name: 'test',
      createdAt: expect.any(String),
      expiresAt: null,
      revokedAt: null,
    });
    const rows = await gw.store.db
      .selectFrom('admin_tokens')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(tenant.token.split('.')[1]);

    const revoke = await gw.admin.request('DELETE', `${V1}/tenants/${tenant.id}/tokens/${token.id}`);
    expect(revoke.status).toBe(204);
    expect(revoke.body).toBeNull();
    expectProblem(
      await tenant.client.request('GET', `${V1}/apis`),
      401,
      'unauthorized',
      'invalid or revoked token',
    );
    // Revoking again is a no-op; an unknown token id is a 404.
    expect((await gw.admin.request('DELETE', `${V1}/tenants/${tenant.id}/tokens/${token.id}`)).status).toBe(
      204,
    );
    expectProblem(
      await gw.admin.request('DELETE', `${V1}/tenants/${tenant.id}/tokens/tok_nope`),
      404,
      'not_found',
      'token tok_nope not found',
    );
  });

  it('answers unknown admin paths with 401 before a token and 404 after', async () => {
    expectProblem(
      await gw.admin.request('GET', `${V1}/nothing-here`, undefined, ''),
      401,
      'unauthorized',
      'missing bearer token',
    );
    expectProblem(
      await gw.admin.request('GET', `${V1}/nothing-here`),
      404,
      'not_found',
      'no admin route GET /admin/v1/nothing-here',
    );
    expectProblem(
      await gw.admin.request('PUT', `${V1}/apis`),
      404,
      'not_found',
      'no admin route PUT /admin/v1/apis',
    );
  });

  it('serves the OpenAPI document without a token', async () => {
    const reply = await gw.admin.request('GET', `${V1}/openapi.json`, undefined, '');
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toBe('3.1.0');
  });
});

describe('failed-authentication limit', () => {
  it('answers 429 with Retry-After after 20 failures from one IP, and never refuses a valid token', async () => {
    const fresh = await startTestGateway();
    try {
      for (let i = 0; i < 20; i++) {
        expect((await fresh.admin.request('GET', `${V1}/apis`, undefined, `guess-${i}`)).status).toBe(401);
      }
      const blocked = await fresh.admin.request('GET', `${V1}/apis`, undefined, 'guess-20');
      expectProblem(
        blocked,
        429,
        'too_many_attempts',
        expect.stringMatching(/^too many failed authentication attempts; retry in \d+s$/) as never,
      );
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Issue 12 point 6: failures from a shared IP (a load balancer) must not lock the admins out.
      expect((await fresh.admin.request('GET', `${V1}/apis`)).status).toBe(200);
      const tenant = await tenantWithToken(fresh.admin, 'lockout');
      expect((await tenant.client.request('GET', `${V1}/apis`)).status).toBe(200);
      expect((await fresh.admin.request('GET', `${V1}/apis`, undefined, 'guess-21')).status).toBe(429);
    } finally {
      await fresh.stop();
    }
  });
});

describe('tenant token scope and expiry', () => {
  it('gives a viewer token read-only access, and an expired token a 401', async () => {
    const tenant = await tenantWithToken(gw.admin, 'scoped');
    const viewer = await gw.admin.ok('POST', `${V1}/tenants/${tenant.id}/tokens`, {
      name: 'dashboards',
      role: 'viewer',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect(viewer).toEqual({
      id: expect.stringMatching(/^tok_/),
      tenantId: tenant.id,
      userId: null,
      role: 'viewer',
      name: 'dashboards',
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      token: expect.stringMatching(/^gkt_/),
    });
    const client = gw.admin.as(viewer.token);
    expect((await client.request('GET', `${V1}/tenants/${tenant.id}`)).body).toEqual({
      id: tenant.id,
      name: 'scoped',
      limits: null,
      createdAt: expect.any(String),
    });
    expectProblem(
      await client.request('POST', `${V1}/apps`, { name: 'nope' }),
      403,
      'forbidden',
      'this operation needs the developer role (the caller is viewer)',
    );
    await expect
      .poll(async () => (await client.request('GET', `${V1}/apis`)).status, { timeout: 5000, interval: 200 })
      .toBe(401);
    expectProblem(await client.request('GET', `${V1}/apis`), 401, 'unauthorized', 'invalid or revoked token');
  });

  it('refuses an expiry in the past, and lets an owner token list and revoke its own tenant tokens only', async () => {
    const tenant = await tenantWithToken(gw.admin, 'owners');
    const other = await tenantWithToken(gw.admin, 'owners-other');
    const past = await gw.admin.request('POST', `${V1}/tenants/${tenant.id}/tokens`, {
      expiresAt: '2001-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([{ in: 'body', field: 'expiresAt', message: 'must be in the future' }]);
    const { items } = await tenant.client.ok('GET', `${V1}/tenants/${tenant.id}/tokens`);
    expect(items.map((t: { name: string }) => t.name)).toEqual(['test']);
    expectProblem(
      await tenant.client.request('GET', `${V1}/tenants/${other.id}/tokens`),
      404,
      'not_found',
      `tenant ${other.id} not found`,
    );
    expect(
      (await tenant.client.request('DELETE', `${V1}/tenants/${tenant.id}/tokens/${items[0].id}`)).status,
    ).toBe(204);
    expect((await tenant.client.request('GET', `${V1}/apis`)).status).toBe(401);
  });
});
