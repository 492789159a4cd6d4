// Bad admin input on both stores: each answer is an exact problem+json, and nothing is written (rows and the
// config version stay as they were).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { insertApi } from '../store/repos/apis.js';
import { apiFromRow } from '../store/rows.js';
import {
  type AdminFixture,
  expectProblem,
  restApi,
  startOn,
  storeState,
  type TenantHandle,
  tenantWithToken,
  V1,
} from '../test-support/admin-fixtures.js';
import { storeKinds } from '../test-support/stores.js';
import { write } from './write.js';

describe.each(storeKinds)('admin input validation on %s', (kind) => {
  let fx: AdminFixture;
  let tenant: TenantHandle;

  beforeAll(async () => {
    fx = await startOn(kind);
    tenant = await tenantWithToken(fx.admin, 'validation');
    await tenant.client.ok('POST', `${V1}/apis`, restApi({ basePath: '/taken' }));
  });
  afterAll(() => fx.close());

  /** Runs the request and checks that the store is exactly as before. */
  async function unchanged<T>(run: () => Promise<T>): Promise<T> {
    const before = await storeState(fx.gateway.store);
    const result = await run();
    expect(await storeState(fx.gateway.store)).toEqual(before);
    return result;
  }

  async function post(path: string, body: string, contentType = 'application/json') {
    const res = await fetch(fx.gateway.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.token}`, 'content-type': contentType },
      body,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text) };
  }

  it('malformed JSON → 400 malformed_json', async () => {
    const reply = await unchanged(() => post(`${V1}/apis`, '{"name": "x",'));
    expectProblem(reply, 400, 'malformed_json', 'the request body is not valid JSON');
  });

  it('a body that is not JSON by its content type → 415', async () => {
    const reply = await unchanged(() =>
      post(`${V1}/apps`, 'name=checkout', 'application/x-www-form-urlencoded'),
    );
    expectProblem(reply, 415, 'unsupported_media_type', 'request bodies must be application/json');
  });

  it('a JSON body that is not an object → 400 (strict JSON) or validation_failed', async () => {
    expectProblem(
      await unchanged(() => post(`${V1}/apps`, '"checkout"')),
      400,
      'malformed_json',
      'the request body is not valid JSON',
    );
    expectProblem(
      await unchanged(() => post(`${V1}/apps`, '[]')),
      400,
      'validation_failed',
      'invalid request: body',
      {
        errors: [{ in: 'body', field: '', message: 'Invalid input: expected object, received array' }],
      },
    );
  });

  it('unknown fields → 400 naming each one', async () => {
    const reply = await unchanged(() =>
      tenant.client.request('POST', `${V1}/apis`, {
        ...restApi({ basePath: '/u' }),
        colour: 'red',
        owner: 1,
      }),
    );
    expectProblem(reply, 400, 'validation_failed', 'invalid request: body.colour, body.owner', {
      errors: [
        { in: 'body', field: 'colour', message: 'unknown field' },
        { in: 'body', field: 'owner', message: 'unknown field' },
      ],
    });
  });

  it('wrong types and missing fields → 400 with each field', async () => {
    const reply = await unchanged(() =>
      tenant.client.request('POST', `${V1}/apis`, {
        name: 42,
        targets: [{ url: 'http://a', weight: 'heavy' }],
        timeoutMs: -1,
      }),
    );
    expectProblem(
      reply,
      400,
      'validation_failed',
      'invalid request: body.name, body.basePath, body.targets.0.weight, body.timeoutMs',
      {
        errors: [
          { in: 'body', field: 'name', message: 'Invalid input: expected string, received number' },
          { in: 'body', field: 'basePath', message: 'Invalid input: expected string, received undefined' },
          {
            in: 'body',
            field: 'targets.0.weight',
            message: 'Invalid input: expected number, received string',
          },
          { in: 'body', field: 'timeoutMs', message: 'Too small: expected number to be >=1' },
        ],
      },
    );
  });

  it.each([
    ['echo', 'must start with /'],
    ['/echo/', 'must not end with /'],
    ['/', 'must name a prefix, not /'],
    ['/a//b', 'must not contain //, . or ..'],
    ['/a/../b', 'must not contain //, . or ..'],
    ['/a b', 'may only contain A-Z a-z 0-9 / _ . ~ -'],
    ['/a?b', 'may only contain A-Z a-z 0-9 / _ . ~ -'],
    ['/admin/x', 'must not be under /admin, /console, /portal, /healthz, /readyz, /metrics'],
  ])('base path %j → 400 (%s)', async (basePath, message) => {
    const reply = await unchanged(() => tenant.client.request('POST', `${V1}/apis`, restApi({ basePath })));
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('validation_failed');
    expect(reply.body.errors).toContainEqual({ in: 'body', field: 'basePath', message });
  });

  it.each(['ftp://127.0.0.1/x', 'javascript:alert(1)', 'file:///etc/passwd', '127.0.0.1:9000', 'http//x'])(
    'upstream %j → 400',
    async (url) => {
      const reply = await unchanged(() =>
        tenant.client.request('POST', `${V1}/apis`, restApi({ basePath: '/t', targets: [{ url }] })),
      );
      expectProblem(reply, 400, 'validation_failed', 'invalid request: body.targets.0.url', {
        errors: [{ in: 'body', field: 'targets.0.url', message: 'must be an http:// or https:// URL' }],
      });
    },
  );

  it('a route another API holds → 409, also through PATCH; another host is another route', async () => {
    expectProblem(
      await unchanged(() => tenant.client.request('POST', `${V1}/apis`, restApi({ basePath: '/taken' }))),
      409,
      'conflict',
      'the route /taken belongs to another API',
    );
    // A different tenant gets the same answer: routes are global.
    const other = await tenantWithToken(fx.admin, 'validation-other');
    const onHost = await other.client.ok(
      'POST',
      `${V1}/apis`,
      restApi({ basePath: '/taken', host: 'API.example.com' }),
    );
    expect(onHost.host).toBe('api.example.com');
    expectProblem(
      await unchanged(() => other.client.request('PATCH', `${V1}/apis/${onHost.id}`, { host: null })),
      409,
      'conflict',
      'the route /taken belongs to another API',
    );
  });

  it('racing creates of one route: exactly one wins, the rest get 409 (the unique route key decides)', async () => {
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        tenant.client.request('POST', `${V1}/apis`, restApi({ name: `r${i}`, basePath: '/race' })),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const rows = await fx.gateway.store.db
      .selectFrom('apis')
      .select('id')
      .where('base_path', '=', '/race')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('the unique route key alone refuses a clash that slipped past the check, and the write rolls back', async () => {
    const [taken] = await fx.gateway.store.db
      .selectFrom('apis')
      .selectAll()
      .where('base_path', '=', '/taken')
      .execute();
    const before = await storeState(fx.gateway.store);
    const clash = { ...apiFromRow(taken!), id: 'api_clash', name: 'clash' };
    const err = await write(fx.gateway.ctx, (trx) => insertApi(trx, clash), 'route taken').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'conflict', status: 409, message: 'route taken' });
    expect(await storeState(fx.gateway.store)).toEqual(before);
  });

  it('NUL and control characters never reach the store (PostgreSQL text cannot hold NUL)', async () => {
    const app = await tenant.client.ok('POST', `${V1}/apps`, { name: 'nul-app' });
    const cases: [string, string, unknown, string, string][] = [
      ['POST', `${V1}/apps`, { name: 'a\u0000b' }, 'name', 'must not contain control characters'],
      ['PATCH', `${V1}/apps/${app.id}`, { name: 'tab\there' }, 'name', 'must not contain control characters'],
      [
        'POST',
        `${V1}/subscriptions`,
        { appId: app.id, apiId: 'api_x', planId: 'pln_x', reason: 'x\u0000' },
        'reason',
        'must not contain NUL characters',
      ],
    ];
    for (const [method, path, body, field, message] of cases) {
      const reply = await unchanged(() => tenant.client.request(method, path, body));
      expectProblem(reply, 400, 'validation_failed', `invalid request: body.${field}`, {
        errors: [{ in: 'body', field, message }],
      });
    }
    const badId = await unchanged(() => tenant.client.request('GET', `${V1}/apps/a%00b`));
    expectProblem(badId, 400, 'validation_failed', 'invalid request: params.id', {
      errors: [{ in: 'params', field: 'id', message: 'is not an id' }],
    });
  });

  it('an undecodable path → 400 bad_request, not a 500', async () => {
    for (const path of [`${V1}/apps/%zz`, `${V1}/apis/%E0%A4%A`]) {
      expectProblem(
        await tenant.client.request('GET', path),
        400,
        'bad_request',
        'the request could not be understood (check its URL encoding)',
      );
    }
  });

  it('unknown query parameters and bad filter values → 400', async () => {
    expectProblem(
      await tenant.client.request('GET', `${V1}/subscriptions?state=approved`),
      400,
      'validation_failed',
      'invalid request: query.state',
      {
        errors: [{ in: 'query', field: 'state', message: 'unknown field' }],
      },
    );
    const bad = await tenant.client.request('GET', `${V1}/subscriptions?status=happy`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { in: 'query', field: 'status', message: expect.stringContaining('Invalid option') },
    ]);
  });

  it('an oversized body → 413', async () => {
    const reply = await unchanged(() => post(`${V1}/apps`, JSON.stringify({ name: 'x'.repeat(300 * 1024) })));
    expectProblem(reply, 413, 'payload_too_large', 'request bodies are limited to 262144 bytes');
  });

  it('a key expiry in the past, or not a date → 400', async () => {
    const app = await tenant.client.ok('POST', `${V1}/apps`, { name: 'v-app' });
    const past = await unchanged(() =>
      tenant.client.request('POST', `${V1}/apps/${app.id}/keys`, { expiresAt: '2001-01-01T00:00:00Z' }),
    );
    expectProblem(past, 400, 'validation_failed', 'invalid request: body.expiresAt', {
      errors: [{ in: 'body', field: 'expiresAt', message: 'must be in the future' }],
    });
    const junk = await unchanged(() =>
      tenant.client.request('POST', `${V1}/apps/${app.id}/keys`, { expiresAt: 'tomorrow' }),
    );
    expect(junk.body.errors).toEqual([{ in: 'body', field: 'expiresAt', message: 'Invalid ISO datetime' }]);
  });

  it('the platform token must name the tenant of a new API or app', async () => {
    expectProblem(
      await unchanged(() => fx.admin.request('POST', `${V1}/apps`, { name: 'orphan' })),
      400,
      'validation_failed',
      'invalid request: body.tenantId',
      {
        errors: [{ in: 'body', field: 'tenantId', message: 'required with the platform token' }],
      },
    );
    expectProblem(
      await unchanged(() =>
        fx.admin.request('POST', `${V1}/apps`, { name: 'orphan', tenantId: 'ten_missing' }),
      ),
      404,
      'not_found',
      'tenant ten_missing not found',
    );
  });

  it('a duplicate tenant name → 409', async () => {
    expectProblem(
      await unchanged(() => fx.admin.request('POST', `${V1}/tenants`, { name: 'validation' })),
      409,
      'conflict',
      'a tenant named "validation" exists',
    );
  });
});
