// The transport the gateway tests speak: plain HTTP, or TLS when GATEWAY_TEST_TLS=1 (`npm run test:tls` runs
// the hostile-input suite that way). In TLS mode every test gateway gets a certificate from a test CA made
// once per worker, fetch trusts that CA, and raw sockets are TLS sockets.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent, setGlobalDispatcher } from 'undici';
import { CertDir, type Issued } from './certs.js';

export const overTls = process.env.GATEWAY_TEST_TLS === '1';

let material: { ca: Issued; server: Issued } | null = null;

/** The test CA and the server certificate every TLS test gateway serves (made on first use). */
export function testTls(): { ca: Issued; server: Issued } {
  if (!material) {
    const dir = new CertDir();
    const ca = dir.ca('hostile-ca');
    material = { ca, server: dir.leaf('gateway', ca, { subject: '/CN=gateway', server: true }) };
    process.once('exit', () => dir.remove());
    // Node's fetch and undici's share the global dispatcher: both trust the test CA from here on.
    setGlobalDispatcher(new Agent({ connect: { ca: ca.cert } }));
  }
  return material;
}

/** The env a test gateway needs for the transport in use. */
export function transportEnv(): { TLS_CERT_FILE?: string; TLS_KEY_FILE?: string } {
  if (!overTls) return {};
  const { server } = testTls();
  return { TLS_CERT_FILE: server.certFile, TLS_KEY_FILE: server.keyFile };
}

/** A raw connection to a test gateway's port: TCP, or TLS trusting the test CA (writes wait for the handshake). */
export function connectRaw(port: number, host = '127.0.0.1'): Socket {
  if (!overTls) return netConnect(port, host);
  return tlsConnect({ port, host, ca: testTls().ca.cert });
}
