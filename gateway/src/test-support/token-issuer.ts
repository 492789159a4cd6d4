// A real local token issuer for auth tests: RSA keys made with jose, their JWKS served by node:http on port 0
// (rotatable, countable, breakable), and signed JWTs with whatever claims a test needs.
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { listen } from './harness.js';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

export async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'https://api.test';

/** A signed JWT: iss/aud/iat/exp as a well-behaved issuer sets them, overridable claim by claim. */
export async function signToken(
  key: SigningKey,
  claims: Record<string, unknown>,
  o: { alg?: string; expiresIn?: number; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + (o.expiresIn ?? 300), ...claims })
    .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

export interface JwksServer {
  url: string;
  server: Server;
  /** Requests served (any status). */
  hits: number;
  /** The keys it serves now: replace to rotate. */
  keys: JWK[];
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const state: JwksServer = {
    url: '',
    server: createServer((_req, res) => {
      state.hits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: state.keys }));
    }),
    hits: 0,
    keys,
    close: () =>
      new Promise<void>((resolve) => {
        state.server.close(() => resolve());
        state.server.closeAllConnections();
      }),
  };
  state.url = `${await listen(state.server)}/.well-known/jwks.json`;
  return state;
}
