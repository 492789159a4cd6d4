import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagesError } from './errors.js';
import { parseChallenge, RegistryClient, registryScheme } from './registry-client.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const TOKEN = 'token-for-gateway-kit/echo';

// A registry that wants a bearer token from its token service, which wants `docker login` credentials.
let server: Server;
let host: string;
let dockerConfig: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/token') {
      const ok = req.headers.authorization === `Basic ${Buffer.from('ci:s3cret').toString('base64')}`;
      const scopeOk = url.searchParams.get('scope') === 'repository:gateway-kit/echo:pull';
      res.writeHead(ok && scopeOk ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok && scopeOk ? { token: TOKEN } : {}));
      return;
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://${host}/token",service="test-registry",scope="repository:gateway-kit/echo:pull"`,
      });
      res.end();
      return;
    }
    if (url.pathname === '/v2/gateway-kit/echo/manifests/ch-known') {
      res.writeHead(200, { 'docker-content-digest': DIGEST });
    } else if (url.pathname === '/v2/gateway-kit/echo/manifests/broken') {
      res.writeHead(500);
    } else {
      res.writeHead(404);
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  dockerConfig = mkdtempSync(join(tmpdir(), 'docker-config-'));
  writeFileSync(
    join(dockerConfig, 'config.json'),
    JSON.stringify({ auths: { [host]: { auth: Buffer.from('ci:s3cret').toString('base64') } } }),
  );
});

afterAll(() => {
  server.close();
  rmSync(dockerConfig, { recursive: true, force: true });
});

describe('RegistryClient', () => {
  it('follows the bearer challenge with the docker login credentials and reads the digest', async () => {
    seen.length = 0;
    const client = new RegistryClient(host, { env: { DOCKER_CONFIG: dockerConfig } });
    expect(await client.manifestDigest('gateway-kit/echo', 'ch-known')).toBe(DIGEST);
    expect(await client.manifestDigest('gateway-kit/echo', 'ch-unknown')).toBeNull();
    expect(seen).toEqual([
      'HEAD /v2/gateway-kit/echo/manifests/ch-known -',
      `GET /token?service=test-registry&scope=repository%3Agateway-kit%2Fecho%3Apull Basic ${Buffer.from('ci:s3cret').toString('base64')}`,
      `HEAD /v2/gateway-kit/echo/manifests/ch-known Bearer ${TOKEN}`,
      // The token is reused for the same repository.
      `HEAD /v2/gateway-kit/echo/manifests/ch-unknown Bearer ${TOKEN}`,
    ]);
  });

  it('fails with the status when the registry answers neither 200 nor 404', async () => {
    const client = new RegistryClient(host, { env: { DOCKER_CONFIG: dockerConfig } });
    await expect(client.manifestDigest('gateway-kit/echo', 'broken')).rejects.toThrow(
      new ImagesError('REGISTRY_UNREACHABLE', `${host}: HEAD gateway-kit/echo/manifests/broken answered 500`),
    );
  });

  it('fails clearly without credentials for a registry that wants them', async () => {
    const client = new RegistryClient(host, { env: { DOCKER_CONFIG: join(dockerConfig, 'missing') } });
    await expect(client.manifestDigest('gateway-kit/echo', 'ch-known')).rejects.toThrow(
      new ImagesError('REGISTRY_UNREACHABLE', `${host}: token request answered 401`),
    );
  });

  it('fails clearly when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const client = new RegistryClient(`127.0.0.1:${port}`);
    await expect(client.manifestDigest('a/b', 'c')).rejects.toThrow(
      new ImagesError('REGISTRY_UNREACHABLE', `127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`),
    );
  });
});

describe('registryScheme and parseChallenge', () => {
  it('uses plain HTTP for loopback registries only, unless told', () => {
    expect(registryScheme('127.0.0.1:5000')).toBe('http');
    expect(registryScheme('localhost:5000')).toBe('http');
    expect(registryScheme('123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toBe('https');
    expect(registryScheme('registry.internal:5000', true)).toBe('http');
  });

  it('parses quoted and bare auth-params', () => {
    expect(
      parseChallenge('Bearer realm="https://auth.example/token",service=registry.example,scope="a:b:pull"'),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'a:b:pull' },
    });
    expect(parseChallenge('Basic realm="Registry"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry' },
    });
  });
});
