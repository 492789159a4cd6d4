// An API's OpenAPI document on both stores: attached as YAML or JSON, read back as JSON, replaced, removed;
// a bad document is a 400 naming where in it the problem is; scoped like the API; audited; public in the catalog.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminFixture,
  expectProblem,
  restApi,
  startOn,
  type TenantHandle,
  tenantWithToken,
  V1,
} from '../test-support/admin-fixtures.js';
import type { Reply } from '../test-support/harness.js';
import { storeKinds } from '../test-support/stores.js';

const petsYaml = `openapi: 3.0.3
info:
  title: Pets
  version: 1.2.0
paths:
  /pets:
    get:
      summary: List the pets
      responses:
        '200':
          description: The pets
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Pets' }
components:
  schemas:
    Pets: { type: array, items: { type: string } }
`;

const petsDocument = {
  openapi: '3.0.3',
  info: { title: 'Pets', version: '1.2.0' },
  paths: {
    '/pets': {
      get: {
        summary: 'List the pets',
        responses: {
          '200': {
            description: 'The pets',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Pets' } } },
          },
        },
      },
    },
  },
  components: { schemas: { Pets: { type: 'array', items: { type: 'string' } } } },
};

describe.each(storeKinds)('API OpenAPI documents on %s', (kind) => {
  let fx: AdminFixture;
  let owner: TenantHandle;
  let other: TenantHandle;
  let apiId: string;

  /** PUT with a raw body and content type, as `curl --data-binary @openapi.yaml` sends it. */
  async function put(body: string, type: string, token = owner.token, id = apiId): Promise<Reply> {
    const res = await fetch(`${fx.gateway.adminUrl}${V1}/apis/${id}/spec`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  const invalid = (errors: { field: string; message: string }[], fields = 'body') =>
    ({ errors: errors.map((e) => ({ in: 'body', ...e })), detail: `invalid request: ${fields}` }) as const;

  async function expectInvalid(reply: Reply, errors: { field: string; message: string }[]) {
    const fields = [...new Set(errors.map((e) => `body${e.field ? `.${e.field}` : ''}`))].join(', ');
    expectProblem(reply, 400, 'validation_failed', invalid(errors, fields).detail, {
      errors: invalid(errors).errors,
    });
  }

  beforeAll(async () => {
    fx = await startOn(kind);
    owner = await tenantWithToken(fx.admin, 'spec-owner');
    other = await tenantWithToken(fx.admin, 'spec-other');
    apiId = (await owner.client.ok('POST', `${V1}/apis`, restApi({ basePath: '/pets' }))).id;
  });
  afterAll(() => fx.close());

  it('takes a YAML document, serves it back as JSON, and replaces it with a JSON one', async () => {
    expectProblem(
      await owner.client.request('GET', `${V1}/apis/${apiId}/spec`),
      404,
      'not_found',
      `no OpenAPI document is attached to API ${apiId}`,
    );
    const first = await put(petsYaml, 'application/yaml');
    expect(first.status).toBe(200);
    const bytes = Buffer.byteLength(JSON.stringify(petsDocument));
    expect(first.body).toEqual({
      apiId,
      tenantId: owner.id,
      openapi: '3.0.3',
      title: 'Pets',
      version: '1.2.0',
      bytes,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(await owner.client.ok('GET', `${V1}/apis/${apiId}/spec`)).toEqual(petsDocument);

    const v2 = { ...petsDocument, openapi: '3.1.0', info: { title: 'Pets', version: '2.0.0' } };
    const second = await put(JSON.stringify(v2), 'application/json');
    expect([second.status, second.body.openapi, second.body.version]).toEqual([200, '3.1.0', '2.0.0']);
    expect(await owner.client.ok('GET', `${V1}/apis/${apiId}/spec`)).toEqual(v2);

    const audit = await fx.admin.ok('GET', `${V1}/audit?action=putApiSpec`);
    expect(audit.items.map((e: { target: unknown; tenantId: string }) => [e.target, e.tenantId])).toEqual([
      [{ type: 'api', id: apiId }, owner.id],
      [{ type: 'api', id: apiId }, owner.id],
    ]);
  });

  it('refuses a bad document with the path of each problem', async () => {
    await expectInvalid(await put('openapi: 3.0.3\ninfo: [\n', 'text/yaml'), [
      { field: '', message: expect.stringMatching(/^not valid YAML \(line 3, column 1\): /) },
    ]);
    await expectInvalid(await put('{"openapi": ', 'application/json'), [
      { field: '', message: expect.stringMatching(/^not valid JSON: /) },
    ]);
    await expectInvalid(await put('swagger: "2.0"\ninfo: {title: x, version: "1"}\n', 'application/yaml'), [
      {
        field: 'openapi',
        message:
          'must be an OpenAPI version 3.0.x or 3.1.x (Swagger 2.0 is not accepted: convert it to OpenAPI 3 first)',
      },
    ]);
    await expectInvalid(await put('- a list\n', 'application/yaml'), [
      { field: '', message: 'an OpenAPI document is an object' },
    ]);
    const noDescription = petsYaml.replace('description: The pets', 'summary: The pets');
    const reply = await put(noDescription, 'application/yaml');
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toContainEqual({
      in: 'body',
      field: 'paths./pets.get.responses.200',
      message: "must have required property 'description'",
    });
    const dangling = petsYaml.replace("'#/components/schemas/Pets'", "'#/components/schemas/Cats'");
    await expectInvalid(await put(dangling, 'application/yaml'), [
      { field: '', message: expect.stringContaining('#/components/schemas/Cats') },
    ]);
    await expectInvalid(await put('', 'application/yaml'), [
      { field: '', message: 'the body is empty: send the OpenAPI document' },
    ]);
    expectProblem(
      await put(petsYaml, 'text/plain'),
      415,
      'unsupported_media_type',
      'send the body as application/json or application/yaml or application/x-yaml or text/yaml',
    );
    const huge = `${petsYaml}x-padding: "${'x'.repeat(2 * 1024 * 1024)}"\n`;
    expectProblem(
      await put(huge, 'application/yaml'),
      413,
      'payload_too_large',
      'this body is limited to 2097152 bytes',
    );
    // None of these replaced what was attached.
    expect((await owner.client.ok('GET', `${V1}/apis/${apiId}/spec`)).info.version).toBe('2.0.0');
  });

  it("is the API owner's: another tenant gets 404, a viewer may read but not write", async () => {
    const notFound = `api ${apiId} not found`;
    expectProblem(await put(petsYaml, 'application/yaml', other.token), 404, 'not_found', notFound);
    expectProblem(await other.client.request('GET', `${V1}/apis/${apiId}/spec`), 404, 'not_found', notFound);
    expectProblem(
      await other.client.request('DELETE', `${V1}/apis/${apiId}/spec`),
      404,
      'not_found',
      notFound,
    );
    const viewer = await fx.admin.ok('POST', `${V1}/tenants/${owner.id}/tokens`, {
      name: 'v',
      role: 'viewer',
    });
    expectProblem(
      await put(petsYaml, 'application/yaml', viewer.token),
      403,
      'forbidden',
      'this operation needs the maintainer role (the caller is viewer)',
    );
    expect((await fx.admin.as(viewer.token).ok('GET', `${V1}/apis/${apiId}/spec`)).info.title).toBe('Pets');
  });

  it("is in the catalog once the API is published and public, for any tenant's portal", async () => {
    const catalogSpec = `${V1}/catalog/${apiId}/spec`;
    expectProblem(await other.client.request('GET', catalogSpec), 404, 'not_found', `api ${apiId} not found`);
    await owner.client.ok('PATCH', `${V1}/apis/${apiId}`, { visibility: 'public' });
    await owner.client.ok('POST', `${V1}/apis/${apiId}/publish`);
    expect((await other.client.ok('GET', catalogSpec)).info.version).toBe('2.0.0');
    const entry = async () =>
      (await other.client.ok('GET', `${V1}/catalog`)).items.find((e: { id: string }) => e.id === apiId);
    expect((await entry()).hasSpec).toBe(true);

    expect((await owner.client.request('DELETE', `${V1}/apis/${apiId}/spec`)).status).toBe(204);
    expect((await entry()).hasSpec).toBe(false);
    const none = `no OpenAPI document is attached to API ${apiId}`;
    expectProblem(await other.client.request('GET', catalogSpec), 404, 'not_found', none);
    expectProblem(await owner.client.request('DELETE', `${V1}/apis/${apiId}/spec`), 404, 'not_found', none);
  });
});
