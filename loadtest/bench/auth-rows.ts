// What the gateway-jwt and gateway-tls rows need besides the gateway: a JWKS server with an RS256 key (the
// gateway fetches it once and caches it), a token for the bench app's client, and a TLS pair for 127.0.0.1
// that both nginx and the gateway serve (trusted by this process's fetch).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Agent, setGlobalDispatcher } from 'undici';

export const JWT_ISSUER = 'https://bench-issuer.test';
export const JWT_AUDIENCE = 'bench';
export const JWT_CLIENT = 'bench-client';

export interface JwksIssuer {
  readonly url: string;
  /** A token for JWT_CLIENT, valid for the whole run: the same token on every call, as a client sends it. */
  readonly token: string;
  stop(): Promise<void>;
}

export async function startJwksIssuer(): Promise<JwksIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' }],
  });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const token = await new SignJWT({ client_id: JWT_CLIENT, scope: 'bench' })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench', typ: 'JWT' })
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface TlsPair {
  readonly cert: string;
  readonly key: string;
  stop(): Promise<void>;
}

/** A self-signed EC P-256 certificate for 127.0.0.1 (openssl), trusted by this process's fetch from now on. */
export async function benchTlsPair(): Promise<TlsPair> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-tls-'));
  const cert = join(dir, 'bench.crt');
  const key = join(dir, 'bench.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  // Node's fetch and undici's share the global dispatcher: readiness probes and seeding trust the pair.
  setGlobalDispatcher(new Agent({ connect: { ca: await readFile(cert, 'utf8') } }));
  return { cert, key, stop: () => rm(dir, { recursive: true, force: true }) };
}
