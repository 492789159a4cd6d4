// SSRF guard at API create and patch: metadata and link-local addresses and the gateway itself are refused,
// however they are spelled, unless UPSTREAM_ALLOW lists them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';
import { allowList, createSsrfGuard } from './ssrf.js';

let gw: TestGateway;
let tenantId: string;

beforeAll(async () => {
  gw = await startTestGateway();
  tenantId = (await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'ssrf' })).id;
});

afterAll(async () => {
  await gw?.stop();
});

const METADATA = 'link-local and cloud metadata addresses may not be upstream targets';
const SELF = 'the gateway itself may not be an upstream target';
let n = 0;
const create = (url: string, g = gw) =>
  g.admin.request('POST', '/admin/v1/apis', {
    tenantId,
    name: 'ssrf',
    basePath: `/ssrf-${n++}`,
    targets: [{ url }],
  });

describe('SSRF guard', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data/', METADATA],
    ['http://169.254.170.2/v2/credentials', METADATA],
    ['http://2852039166/', METADATA],
    ['http://0xa9.0xfe.0xa9.0xfe/', METADATA],
    ['http://[::ffff:169.254.169.254]/', METADATA],
    ['http://[fd00:ec2::254]/', METADATA],
    ['http://[fe80::1]/', METADATA],
    ['http://metadata.google.internal/computeMetadata/v1/', METADATA],
    ['http://100.100.100.200/', METADATA],
  ])('refuses %s', async (url, message) => {
    const r = await create(url);
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ in: 'body', field: 'targets.0.url', message }]);
  });

  it('refuses the gateway itself under any local name, and allows other local ports', async () => {
    for (const host of ['127.0.0.1', 'localhost', '127.3.4.5', '[::1]', '0.0.0.0', 'api.localhost']) {
      const r = await create(`http://${host}:${gw.port}/admin/v1/tenants`);
      expect([host, r.status, r.body.errors]).toEqual([
        host,
        400,
        [{ in: 'body', field: 'targets.0.url', message: SELF }],
      ]);
    }
    expect((await create(`http://127.0.0.1:${gw.port + 1 > 65535 ? 1 : gw.port + 1}`)).status).toBe(201);
  });

  it('checks a patch too, naming each refused target', async () => {
    const ok = await create('http://127.0.0.1:9');
    expect(ok.status).toBe(201);
    const r = await gw.admin.request('PATCH', `/admin/v1/apis/${ok.body.id}`, {
      targets: [{ url: 'http://127.0.0.1:9' }, { url: 'http://169.254.169.254' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ in: 'body', field: 'targets.1.url', message: METADATA }]);
  });

  it('lets UPSTREAM_ALLOW name an exception (an IP, a CIDR or a host name)', async () => {
    const allowing = await startTestGateway({
      UPSTREAM_ALLOW: '169.254.169.254, fd00:ec2::/32, metadata.google.internal',
    });
    try {
      tenantId = (await allowing.admin.ok('POST', '/admin/v1/tenants', { name: 'allow' })).id;
      for (const url of [
        'http://169.254.169.254/',
        'http://[fd00:ec2::254]/',
        'http://metadata.google.internal/',
      ])
        expect([url, (await create(url, allowing)).status]).toEqual([url, 201]);
      expect((await create('http://169.254.170.2/', allowing)).status).toBe(400);
    } finally {
      await allowing.stop();
    }
  });

  it('guard function: https default port, trailing dots and interface addresses', () => {
    const guard = createSsrfGuard({ host: '0.0.0.0', port: 443, allow: allowList(' 10.0.0.0/8 ,') });
    expect(guard('https://localhost/')).toBe(SELF);
    expect(guard('https://localhost.:8443/')).toBeNull();
    expect(guard('http://169.254.169.254./')).toBe(METADATA);
    expect(guard('http://10.1.2.3:443/')).toBeNull();
    expect(allowList(' a.example , ,B.example')).toEqual(['a.example', 'b.example']);
  });
});
