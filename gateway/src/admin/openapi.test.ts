// The OpenAPI document: valid OpenAPI 3.1, one operation per declared route, and the schemas it publishes
// describe what the API really answers (live responses are validated against them).
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restApi, tenantWithToken, V1 } from '../test-support/admin-fixtures.js';
import { type Reply, startTestGateway, type TestGateway } from '../test-support/harness.js';
import { openApiPath } from './route.js';
import { adminRoutes } from './routes/index.js';

// The document is walked freely here; its shape is what the tests check.
type Json = Record<string, any>;

let gw: TestGateway;
let doc: Json;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

beforeAll(async () => {
  gw = await startTestGateway();
  doc = (await gw.admin.request('GET', `${V1}/openapi.json`, undefined, '')).body;
});
afterAll(() => gw.stop());

/** Validates a live reply against the schema the document gives for that operation and status. */
function conforms(method: string, template: string, reply: Reply): void {
  const responses = doc.paths[template]?.[method.toLowerCase()]?.responses;
  expect(responses, `${method} ${template} documented`).toBeDefined();
  const documented = responses[String(reply.status)];
  expect(documented, `${method} ${template} documents ${reply.status}`).toBeDefined();
  const content = documented.content;
  if (!content) {
    expect(reply.body).toBeNull();
    return;
  }
  const [type, { schema }] = Object.entries(content)[0] as [string, { schema: Json }];
  expect(reply.headers.get('content-type')?.split(';')[0]).toBe(type);
  const resolved = schema.$ref ? doc.components.schemas.Problem : schema;
  const validate = ajv.compile(resolved);
  expect(validate(reply.body), JSON.stringify(validate.errors)).toBe(true);
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('has exactly one operation per declared route, with unique operation ids', () => {
    const declared = [
      ...adminRoutes.map((r) => `${r.method} ${openApiPath(r.path)}`),
      `get ${V1}/openapi.json`,
    ].sort();
    const documented = Object.entries(doc.paths as Json)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .sort();
    expect(documented).toEqual(declared);
    const ids = Object.values(doc.paths as Json).flatMap((ops) =>
      Object.values(ops as Json).map((op: Json) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares every path parameter, and rejects unknown body fields in every request schema', () => {
    for (const [path, ops] of Object.entries(doc.paths as Json)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops) as Json[]) {
        expect(
          op.parameters.filter((p: Json) => p.in === 'path').map((p: Json) => p.name),
          path,
        ).toEqual(names);
        // An uploaded document (an API's OpenAPI document) is taken whole, whatever its members.
        const body = op.requestBody?.content['application/json'].schema;
        if (body && !op.requestBody.content['application/yaml'])
          expect(body.additionalProperties, `${path} body`).toBe(false);
      }
    }
  });

  it('describes live responses: successes and problems alike', async () => {
    const admin = gw.admin;
    let reply = await admin.request('POST', `${V1}/tenants`, { name: 'openapi' });
    conforms('POST', `${V1}/tenants`, reply);
    const tenantId = reply.body.id;
    conforms('GET', `${V1}/tenants`, await admin.request('GET', `${V1}/tenants`));
    reply = await admin.request('POST', `${V1}/tenants/${tenantId}/tokens`, {});
    conforms('POST', `${V1}/tenants/{id}/tokens`, reply);
    conforms(
      'GET',
      `${V1}/tenants/{id}/tokens`,
      await admin.request('GET', `${V1}/tenants/${tenantId}/tokens`),
    );
    const tenant = await tenantWithToken(admin, 'openapi-2');
    const client = tenant.client;

    reply = await client.request('POST', `${V1}/apis`, restApi({ visibility: 'public' }));
    conforms('POST', `${V1}/apis`, reply);
    const apiId = reply.body.id;
    conforms('POST', `${V1}/apis/{id}/publish`, await client.request('POST', `${V1}/apis/${apiId}/publish`));
    conforms('GET', `${V1}/apis`, await client.request('GET', `${V1}/apis`));
    reply = await client.request('POST', `${V1}/apis/${apiId}/plans`, {
      name: 'p',
      rateLimit: { requestsPerSecond: 5, burst: 10 },
      quota: { requestsPerDay: 9 },
    });
    conforms('POST', `${V1}/apis/{id}/plans`, reply);
    const planId = reply.body.id;
    conforms('GET', `${V1}/catalog`, await client.request('GET', `${V1}/catalog`));
    reply = await client.request('POST', `${V1}/apps`, { name: 'a' });
    conforms('POST', `${V1}/apps`, reply);
    const appId = reply.body.id;
    conforms(
      'POST',
      `${V1}/apps/{id}/keys`,
      await client.request('POST', `${V1}/apps/${appId}/keys`, { expiresAt: '2099-01-01T00:00:00Z' }),
    );
    conforms('GET', `${V1}/apps/{id}/keys`, await client.request('GET', `${V1}/apps/${appId}/keys`));
    reply = await client.request('POST', `${V1}/subscriptions`, { appId, apiId, planId });
    conforms('POST', `${V1}/subscriptions`, reply);
    conforms(
      'POST',
      `${V1}/subscriptions/{id}/approve`,
      await client.request('POST', `${V1}/subscriptions/${reply.body.id}/approve`, { comment: 'ok' }),
    );
    conforms(
      'GET',
      `${V1}/subscriptions`,
      await client.request('GET', `${V1}/subscriptions?status=approved`),
    );
    conforms('DELETE', `${V1}/apps/{id}`, await client.request('DELETE', `${V1}/apps/${appId}`));

    // Problems: validation (with its errors array), auth, not found, conflict, illegal transition.
    conforms('POST', `${V1}/apis`, await client.request('POST', `${V1}/apis`, { nope: 1 }));
    conforms('GET', `${V1}/apis`, await client.request('GET', `${V1}/apis`, undefined, ''));
    conforms('GET', `${V1}/apis/{id}`, await client.request('GET', `${V1}/apis/api_missing`));
    conforms(
      'POST',
      `${V1}/apis`,
      await client.request('POST', `${V1}/apis`, restApi({ visibility: 'public' })),
    );
    conforms('POST', `${V1}/apis/{id}/publish`, await client.request('POST', `${V1}/apis/${apiId}/publish`));
    conforms('GET', `${V1}/tenants`, await client.request('GET', `${V1}/tenants`));
  });
});
