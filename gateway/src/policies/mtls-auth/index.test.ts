// Client certificates (auth: mtls) on a real TLS listener, with certificates made by openssl: a registered
// certificate is its app's call (by fingerprint or by subject); none, another CA's, a revoked one and an
// unregistered one are each refused with their reason.
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../observability/call-record.js';
import { CertDir, type Issued } from '../../test-support/certs.js';
import {
  type Echo,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../../test-support/harness.js';

let certs: CertDir;
let ca: Issued;
let byFingerprint: Issued;
let bySubject: Issued;
let revoked: Issued;
let unregistered: Issued;
let stranger: Issued;
let echo: Echo;
let gw: TestGateway;
const agents: Agent[] = [];
const records: CallRecord[] = [];
let apps: { fingerprint: string; subject: string; api: string };
let crlRevoked: Issued;
let crlGood: Issued;
let staleCrlUntil: number;
let mixed: { key: string; appId: string; apiId: string };
let staleClient: Issued;
let mixedCert: Issued;
let crlAdmin: { ok: (method: string, path: string, body?: unknown) => Promise<never> };
let crlTenant: string;

/** GET through a fresh connection presenting `client` (or no certificate). */
async function call(client: Issued | null, path = '/mtls/x', headers: Record<string, string> = {}) {
  const agent = new Agent({
    connect: { ca: ca.cert, ...(client ? { cert: client.cert, key: client.key } : {}) },
  });
  agents.push(agent);
  const res = await request(`${gw.url}${path}`, { dispatcher: agent, headers });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    body: text ? JSON.parse(text) : null,
    challenge: res.headers['www-authenticate'],
  };
}

beforeAll(async () => {
  certs = new CertDir();
  ca = certs.ca('client-ca');
  const otherCa = certs.ca('other-ca');
  const server = certs.leaf('server', ca, { subject: '/CN=gateway', server: true });
  byFingerprint = certs.leaf('fp', ca, { subject: '/O=Acme/CN=orders' });
  bySubject = certs.leaf('subj', ca, { subject: '/O=Acme/CN=billing' });
  revoked = certs.leaf('revoked', ca, { subject: '/O=Acme/CN=old' });
  unregistered = certs.leaf('unregistered', ca, { subject: '/O=Acme/CN=nobody' });
  stranger = certs.leaf('stranger', otherCa, { subject: '/O=Acme/CN=billing' });
  echo = await startEcho();
  gw = await startTestGateway(
    { TLS_CERT_FILE: server.certFile, TLS_KEY_FILE: server.keyFile, TLS_CLIENT_CERTS: 'request' },
    { recorders: [(r) => records.push(r)] },
  );
  const admin = gw.admin as unknown as { baseUrl: string };
  const dispatcher = new Agent({ connect: { ca: ca.cert } });
  agents.push(dispatcher);
  const client = {
    ok: async (method: string, path: string, body?: unknown) => {
      const res = await request(`${admin.baseUrl}${path}`, {
        dispatcher,
        method: method as 'POST',
        headers: { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await res.body.json();
      if (res.statusCode >= 300) throw new Error(`${path} → ${res.statusCode} ${JSON.stringify(json)}`);
      return json as never;
    },
  };
  const s = await seedKeyedApi(client as never, {
    targets: [{ url: echo.url }],
    basePath: '/mtls',
    auth: 'mtls',
    approval: 'auto',
    settings: { mtls: { ca: ca.cert, revokedFingerprints: [revoked.fingerprint] } },
  });
  await client.ok('POST', `/admin/v1/apps/${s.appId}/clients`, {
    kind: 'cert_sha256',
    value: byFingerprint.fingerprint,
  });
  await client.ok('POST', `/admin/v1/apps/${s.appId}/clients`, {
    kind: 'cert_sha256',
    value: revoked.fingerprint,
  });
  const second = await client.ok('POST', '/admin/v1/apps', { tenantId: s.tenantId, name: 'billing' });
  await client.ok('POST', `/admin/v1/apps/${(second as { id: string }).id}/clients`, {
    kind: 'cert_subject',
    value: 'O=Acme, CN=billing',
  });
  await client.ok('POST', '/admin/v1/subscriptions', {
    appId: (second as { id: string }).id,
    apiId: s.apiId,
    planId: s.planId,
  });
  apps = { fingerprint: s.appId, subject: (second as { id: string }).id, api: s.apiId };

  // CRLs: one listing crlRevoked, a second CA's already out of date; and an API taking a certificate or a key.
  crlRevoked = certs.leaf('crl-revoked', ca, { subject: '/O=Acme/CN=crl-revoked' });
  crlGood = certs.leaf('crl-good', ca, { subject: '/O=Acme/CN=crl-good' });
  const staleCa = certs.ca('stale-ca');
  staleClient = certs.leaf('stale-client', staleCa, { subject: '/O=Acme/CN=stale' });
  const staleCrl = certs.crl('stale', staleCa, [], { seconds: 1 });
  staleCrlUntil = Date.now() + 1000;
  const crlApi = await seedKeyedApi(client as never, {
    targets: [{ url: echo.url }],
    basePath: '/mtls-crl',
    auth: 'mtls',
    approval: 'auto',
    settings: {
      mtls: {
        ca: `${ca.cert}${staleCa.cert}`,
        crl: `${certs.crl('client-ca', ca, [crlRevoked])}${staleCrl}`,
      },
    },
  });
  for (const c of [crlRevoked, crlGood, staleClient])
    await client.ok('POST', `/admin/v1/apps/${crlApi.appId}/clients`, {
      kind: 'cert_sha256',
      value: c.fingerprint,
    });
  crlAdmin = client;
  crlTenant = crlApi.tenantId;
  const m = await seedKeyedApi(client as never, {
    targets: [{ url: echo.url }],
    basePath: '/mixed',
    auth: ['mtls', 'key'],
    approval: 'auto',
    settings: { mtls: { ca: ca.cert } },
  });
  mixedCert = certs.leaf('mixed', ca, { subject: '/O=Acme/CN=mixed' });
  await client.ok('POST', `/admin/v1/apps/${m.appId}/clients`, {
    kind: 'cert_sha256',
    value: mixedCert.fingerprint,
  });
  mixed = { key: m.key, appId: m.appId, apiId: m.apiId };
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await gw?.stop();
  await echo?.close();
  certs?.remove();
});

describe('mtls auth', () => {
  it('lets a registered certificate in as its app, by fingerprint or by subject, recorded as mtls', async () => {
    expect((await call(byFingerprint)).status).toBe(200);
    expect(echo.seen.at(-1)!.headers['x-gateway-app']).toBe(apps.fingerprint);
    expect((await call(bySubject)).status).toBe(200);
    expect(echo.seen.at(-1)!.headers['x-gateway-app']).toBe(apps.subject);
    await gw.callLog.drain(5000);
    expect(records.filter((r) => r.apiId === apps.api).map((r) => [r.status, r.authMethod, r.appId])).toEqual(
      [
        [200, 'mtls', apps.fingerprint],
        [200, 'mtls', apps.subject],
      ],
    );
  });

  it('refuses no certificate, another CA, a revoked and an unregistered certificate, each with its reason', async () => {
    const cases: [string, Issued | null, string, string][] = [
      [
        'none',
        null,
        'certificate_missing',
        'this API needs a client certificate, presented in the TLS handshake',
      ],
      [
        'other CA',
        stranger,
        'certificate_invalid',
        'the client certificate is not issued by a CA this API trusts',
      ],
      ['revoked', revoked, 'certificate_invalid', 'the client certificate is revoked'],
      ['unregistered', unregistered, 'certificate_invalid', 'the client certificate is registered to no app'],
    ];
    for (const [name, client, code, detail] of cases) {
      const { status, body, challenge } = await call(client);
      expect([name, status, body.code, body.detail]).toEqual([name, 401, code, detail]);
      // Every 401 names a scheme (RFC 9110 §15.5.2); none is registered for client certificates.
      expect([name, challenge]).toEqual([
        name,
        client
          ? `ClientCertificate realm="gateway", error="invalid_certificate", error_description="${detail}"`
          : 'ClientCertificate realm="gateway"',
      ]);
    }
  });

  it("refuses a certificate its CA revoked in the API's CRL, and every one of a CA whose CRL is out of date", async () => {
    expect((await call(crlGood, '/mtls-crl/x')).status).toBe(200);
    const listed = await call(crlRevoked, '/mtls-crl/x');
    expect([listed.status, listed.body.code, listed.body.detail]).toEqual([
      401,
      'certificate_invalid',
      "the client certificate is revoked (listed in its CA's CRL)",
    ]);
    await new Promise((r) => setTimeout(r, Math.max(0, staleCrlUntil + 100 - Date.now())));
    const stale = await call(staleClient, '/mtls-crl/x');
    expect([stale.status, stale.body.detail]).toEqual([
      401,
      "the CRL of the client certificate's CA is past its nextUpdate; the API owner must replace it",
    ]);
  });

  it('refuses, when written, a CRL no CA of the API signed', async () => {
    const other = certs.ca('crl-other');
    await expect(
      crlAdmin.ok('POST', '/admin/v1/apis', {
        tenantId: crlTenant,
        name: 'bad crl',
        basePath: '/bad-crl',
        auth: 'mtls',
        targets: [{ url: echo.url }],
        settings: { mtls: { ca: ca.cert, crl: certs.crl('crl-other', other, []) } },
      }),
    ).rejects.toThrow(/"field":"settings\.mtls\.crl","message":"CRL 1 is not signed by any CA in ca"/);
  });

  it('takes a certificate or a key on an API listing both: each recorded as the method that let it in', async () => {
    const byCert = await call(mixedCert, '/mixed/x');
    const byKey = await call(null, '/mixed/x', { 'x-api-key': mixed.key });
    const none = await call(null, '/mixed/x');
    expect([byCert.status, byKey.status, none.status, none.body.code]).toEqual([
      200,
      200,
      401,
      'credentials_missing',
    ]);
    expect(none.challenge).toBe('ClientCertificate realm="gateway", Bearer realm="gateway"');
    await gw.callLog.drain(5000);
    expect(records.filter((r) => r.apiId === mixed.apiId).map((r) => [r.status, r.authMethod])).toEqual([
      [200, 'mtls'],
      [200, 'key'],
      [401, null],
    ]);
  });
});
