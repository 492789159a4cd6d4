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

/** GET through a fresh connection presenting `client` (or no certificate). */
async function call(client: Issued | null) {
  const agent = new Agent({
    connect: { ca: ca.cert, ...(client ? { cert: client.cert, key: client.key } : {}) },
  });
  agents.push(agent);
  const res = await request(`${gw.url}/mtls/x`, { dispatcher: agent });
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
});
