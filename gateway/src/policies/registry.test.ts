// The registry is the one list: a policy registered only here (never in defaultPolicies) is validated by the
// admin API, described by the OpenAPI document and run by the data plane, with nothing else edited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Echo,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { cors } from './cors/index.js';
import { keyAuth } from './key-auth/index.js';
import { definePolicy } from './policy.js';
import { defaultPolicies, PolicyRegistry } from './registry.js';

const stampSettings = z.object({ header: z.string().regex(/^x-[a-z-]+$/, 'must be x-…') }).strict();

/** Stamps one response header named by the API's `settings.stamp`, on every answer of that API. */
const stamp = definePolicy<z.infer<typeof stampSettings>>({
  name: 'stamp',
  phase: 'limit',
  settings: { key: 'stamp', schema: stampSettings },
  create: () => ({
    bind: (_api, settings) =>
      settings
        ? {
            response: (_call, headers) => {
              headers[settings.header] = 'stamped';
            },
          }
        : null,
  }),
});

let echo: Echo;
let plain: TestGateway;
let extended: TestGateway;
let api: Seeded;

beforeAll(async () => {
  echo = await startEcho();
  [plain, extended] = await Promise.all([
    startTestGateway(),
    startTestGateway({}, { policies: [...defaultPolicies, stamp] }),
  ]);
  api = await seedKeyedApi(extended.admin, { targets: [{ url: echo.url }], basePath: '/stamped' });
});

afterAll(async () => {
  await Promise.all([plain?.stop(), extended?.stop()]);
  await echo?.close();
});

describe('a policy registered only in a test', () => {
  it("is checked by the admin API against its own schema, under its settings member's name", async () => {
    const bad = await extended.admin.request('PATCH', `/admin/v1/apis/${api.apiId}`, {
      settings: { stamp: { header: 'Stamp' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'body', field: 'settings.stamp.header', message: 'must be x-…' }]);
    const ok = await extended.admin.ok('PATCH', `/admin/v1/apis/${api.apiId}`, {
      settings: { stamp: { header: 'x-stamp' } },
    });
    expect(ok.settings).toEqual({ stamp: { header: 'x-stamp' } });
  });

  it('runs in the chain once configured: its response half stamps the upstream answer', async () => {
    await extended.snapshot.refresh(true);
    const res = await fetch(`${extended.url}/stamped/x`, { headers: { 'x-api-key': api.key } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-stamp')).toBe('stamped');
    const refused = await fetch(`${extended.url}/stamped/x`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-stamp')).toBe('stamped');
  });

  it('appears in the OpenAPI document as a member of settings, with its schema', async () => {
    const doc = (await extended.admin.request('GET', '/admin/v1/openapi.json', undefined, '')).body;
    const create = doc.paths['/admin/v1/apis'].post.requestBody.content['application/json'].schema;
    expect(create.properties.settings.properties.stamp).toEqual({
      type: 'object',
      properties: { header: { type: 'string', pattern: '^x-[a-z-]+$' } },
      required: ['header'],
      additionalProperties: false,
    });
    expect(Object.keys(create.properties.settings.properties).sort()).toEqual([
      'anonymous',
      'cors',
      'introspection',
      'jwt',
      'mtls',
      'stamp',
    ]);
  });

  it('is unknown to a gateway without it: the member is a kind setting there, and rest APIs take none', async () => {
    const s = await seedKeyedApi(plain.admin, { targets: [{ url: echo.url }], basePath: '/plain' });
    const bad = await plain.admin.request('PATCH', `/admin/v1/apis/${s.apiId}`, {
      settings: { stamp: { header: 'x-stamp' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { in: 'body', field: 'settings', message: 'rest APIs take no settings' },
    ]);
    const doc = (await plain.admin.request('GET', '/admin/v1/openapi.json', undefined, '')).body;
    const create = doc.paths['/admin/v1/apis'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(create.properties.settings.properties).sort()).toEqual([
      'anonymous',
      'cors',
      'introspection',
      'jwt',
      'mtls',
    ]);
  });
});

describe('PolicyRegistry', () => {
  it('orders by phase, then as listed', () => {
    const names = new PolicyRegistry([keyAuth, stamp, cors]).definitions.map((d) => d.name);
    expect(names).toEqual(['cors', 'key-auth', 'stamp']);
  });

  it('refuses a name, a settings member or an auth method registered twice', () => {
    expect(() => new PolicyRegistry([cors, cors])).toThrow('policy cors is registered twice');
    expect(
      () => new PolicyRegistry([cors, { ...stamp, settings: { key: 'cors', schema: stampSettings } }]),
    ).toThrow('settings.cors has two owners');
    expect(() => new PolicyRegistry([keyAuth, { ...keyAuth, name: 'key-auth-2' }])).toThrow(
      'auth method key is taken',
    );
  });

  it('lists each auth method and `none` as the values of an API’s auth', () => {
    expect(new PolicyRegistry().authModes).toEqual(['key', 'jwt', 'introspection', 'mtls', 'none']);
  });
});
