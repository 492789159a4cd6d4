// Certificates per host name (TLS_SNI_DIR) on a real TLS listener, with certificates made by openssl: the
// client's server name picks the pair (exact, then wildcard), other names get TLS_CERT_FILE's, a replaced pair
// is served to new handshakes, and a bad pair stops the start with one named line.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../app.js';
import { CertDir, type Issued } from '../test-support/certs.js';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../test-support/harness.js';

let certs: CertDir;
let ca: Issued;
let sniDir: string;
let gw: TestGateway;

/** The subject CN of the certificate served for `servername` (none: no SNI extension). */
const servedFor = (port: number, servername?: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(
      {
        host: '127.0.0.1',
        port,
        ca: ca.cert,
        rejectUnauthorized: false,
        ...(servername ? { servername } : {}),
      },
      () => {
        resolve(socket.getPeerCertificate().subject.CN as string);
        socket.end();
      },
    );
    socket.once('error', reject);
  });

const place = (issued: Issued, host: string) => {
  copyFileSync(issued.keyFile, join(sniDir, `${host}.key`));
  copyFileSync(issued.certFile, join(sniDir, `${host}.crt`));
};

beforeAll(async () => {
  certs = new CertDir();
  ca = certs.ca('sni-ca');
  const fallback = certs.leaf('default', ca, { subject: '/CN=default', server: true });
  sniDir = join(certs.dir, 'sni');
  mkdirSync(sniDir);
  place(certs.leaf('a', ca, { subject: '/CN=a.test', server: true }), 'a.test');
  place(certs.leaf('b', ca, { subject: '/CN=b.test', server: true }), 'b.test');
  place(certs.leaf('wild', ca, { subject: '/CN=wildcard.example', server: true }), '_wildcard.example.test');
  // Not pairs: a certificate without its key, and Kubernetes' dot-entries.
  copyFileSync(fallback.certFile, join(sniDir, 'lonely.crt'));
  mkdirSync(join(sniDir, '..data'));
  gw = await startTestGateway({
    TLS_CERT_FILE: fallback.certFile,
    TLS_KEY_FILE: fallback.keyFile,
    TLS_SNI_DIR: sniDir,
    TLS_RELOAD_MS: 50,
  });
});
afterAll(async () => {
  await gw?.stop();
  certs?.remove();
});

describe('TLS certificates per host name', () => {
  it('serves the pair of the name the client asks for, the wildcard one label up, else the default', async () => {
    expect(await servedFor(gw.port, 'a.test')).toBe('a.test');
    expect(await servedFor(gw.port, 'B.TEST')).toBe('b.test');
    expect(await servedFor(gw.port, 'api.example.test')).toBe('wildcard.example');
    expect(await servedFor(gw.port, 'deep.api.example.test')).toBe('default');
    expect(await servedFor(gw.port, 'lonely')).toBe('default');
    expect(await servedFor(gw.port, 'other.test')).toBe('default');
    expect(await servedFor(gw.port)).toBe('default');
  });

  it('serves a replaced or added pair to new handshakes within the reload interval', async () => {
    place(certs.leaf('a2', ca, { subject: '/CN=a.test-rotated', server: true }), 'a.test');
    place(certs.leaf('c', ca, { subject: '/CN=c.test', server: true }), 'c.test');
    let served = '';
    for (let i = 0; i < 100 && served !== 'a.test-rotated'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      served = await servedFor(gw.port, 'a.test');
    }
    expect(served).toBe('a.test-rotated');
    expect(await servedFor(gw.port, 'c.test')).toBe('c.test');
  });

  it('refuses to start on a pair whose key is not its certificate, naming the pair', async () => {
    const bad = join(certs.dir, 'bad-sni');
    mkdirSync(bad);
    const x = certs.leaf('x', ca, { subject: '/CN=x.test', server: true });
    const y = certs.leaf('y', ca, { subject: '/CN=y.test', server: true });
    copyFileSync(x.certFile, join(bad, 'x.test.crt'));
    writeFileSync(join(bad, 'x.test.key'), y.key);
    const fallback = certs.leaf('default-2', ca, { subject: '/CN=default', server: true });
    await expect(
      startGateway({
        ADMIN_TOKEN,
        DATABASE_URL: 'sqlite::memory:',
        TLS_CERT_FILE: fallback.certFile,
        TLS_KEY_FILE: fallback.keyFile,
        TLS_SNI_DIR: bad,
      }),
    ).rejects.toThrow(
      /^invalid configuration: TLS_SNI_DIR pair x\.test: TLS_KEY_FILE is not the private key of TLS_CERT_FILE/,
    );
  });
});
