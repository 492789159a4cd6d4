// TLS listeners: served with the configured certificate (HSTS on every answer, x-forwarded-proto https
// upstream), bad files refused at start-up with one named line, and a replaced certificate served to new
// connections while an open one keeps working.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertDir, type Issued } from '../test-support/certs.js';
import {
  type Echo,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';

let certs: CertDir;
let ca: Issued;
let first: Issued;
let second: Issued;
let echo: Echo;
let gw: TestGateway;
let certFile: string;
let keyFile: string;
let agent: Agent;

/** Opens a TLS connection that trusts the test CA; resolves once the handshake is done. */
const open = (port: number) =>
  new Promise<TLSSocket>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: ca.cert }, () => resolve(socket));
    socket.once('error', reject);
  });

/** One keep-alive request on an open socket; resolves with the status line's code. */
const ask = (socket: TLSSocket) =>
  new Promise<number>((resolve) => {
    socket.once('data', (d: Buffer) =>
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(d.toString('latin1'))?.[1])),
    );
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });

beforeAll(async () => {
  certs = new CertDir();
  ca = certs.ca('tls-ca');
  first = certs.leaf('server-1', ca, { subject: '/CN=first', server: true });
  second = certs.leaf('server-2', ca, { subject: '/CN=second', server: true });
  certFile = join(certs.dir, 'live.crt');
  keyFile = join(certs.dir, 'live.key');
  copyFileSync(first.certFile, certFile);
  copyFileSync(first.keyFile, keyFile);
  echo = await startEcho();
  gw = await startTestGateway({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, TLS_RELOAD_MS: 50 });
  agent = new Agent({ connect: { ca: ca.cert } });
});
afterAll(async () => {
  await agent?.close();
  await gw?.stop();
  await echo?.close();
  certs?.remove();
});

describe('TLS listener', () => {
  it('serves https with HSTS, and tells the upstream the client spoke https', async () => {
    expect(gw.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await request(`${gw.url}/healthz`, { dispatcher: agent });
    expect(health.statusCode).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    await health.body.dump();
    const admin = await request(`${gw.url}/admin/v1/apis`, {
      dispatcher: agent,
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    });
    expect(admin.statusCode).toBe(200);
    expect(admin.headers['strict-transport-security']).toBe('max-age=31536000');
    await admin.body.dump();
    // Seeded through the https admin API with the same client.
    const { key } = await seedKeyedApi(
      {
        ok: async (method: string, path: string, body?: unknown) => {
          const res = await request(`${gw.url}${path}`, {
            dispatcher: agent,
            method: method as 'POST',
            headers: {
              authorization: 'Bearer test-admin-token-0123456789',
              'content-type': 'application/json',
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const json = await res.body.json();
          if (res.statusCode >= 300) throw new Error(`${path} → ${res.statusCode} ${JSON.stringify(json)}`);
          return json;
        },
      } as never,
      { targets: [{ url: echo.url }], basePath: '/tls-echo', approval: 'auto' },
    );
    const res = await request(`${gw.url}/tls-echo/x`, { dispatcher: agent, headers: { 'x-api-key': key } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    await res.body.dump();
    expect(echo.seen.at(-1)!.headers['x-forwarded-proto']).toBe('https');
  });

  it('serves a replaced certificate to new connections; an open connection keeps working', async () => {
    const before = await open(gw.port);
    expect(before.getPeerCertificate().subject.CN).toBe('first');
    expect(await ask(before)).toBe(200);
    // Key first then certificate: in between the pair does not match, and the old one stays served.
    copyFileSync(second.keyFile, keyFile);
    copyFileSync(second.certFile, certFile);
    await expect
      .poll(
        async () => {
          const probe = await open(gw.port);
          const cn = probe.getPeerCertificate().subject.CN;
          probe.destroy();
          return cn;
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe('second');
    expect(await ask(before)).toBe(200);
    expect(before.getPeerCertificate().subject.CN).toBe('first');
    before.destroy();
  });

  it('refuses bad files at start-up with one line naming the variable', async () => {
    const missing = join(certs.dir, 'nope.crt');
    await expect(startTestGateway({ TLS_CERT_FILE: missing, TLS_KEY_FILE: first.keyFile })).rejects.toThrow(
      `invalid configuration: TLS_CERT_FILE cannot be read (ENOENT): ${missing}`,
    );
    await expect(
      startTestGateway({ TLS_CERT_FILE: first.certFile, TLS_KEY_FILE: second.keyFile }),
    ).rejects.toThrow(
      /^invalid configuration: TLS_KEY_FILE is not the private key of TLS_CERT_FILE \(.+\): .+server-2\.key$/,
    );
    const garbage = join(certs.dir, 'garbage.crt');
    writeFileSync(garbage, 'not a certificate');
    await expect(startTestGateway({ TLS_CERT_FILE: garbage, TLS_KEY_FILE: first.keyFile })).rejects.toThrow(
      `invalid configuration: TLS_CERT_FILE is not a PEM certificate: ${garbage}`,
    );
    await expect(startTestGateway({ TLS_CERT_FILE: first.certFile })).rejects.toThrow(/TLS_KEY_FILE/);
  });
});
