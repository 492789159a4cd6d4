// A short fuzz run (fast-check) of the admin API and the data plane with generated methods, paths, headers and
// bodies: the gateway's own code never answers 5xx, admin answers always carry the security headers, and the
// gateway still serves afterwards.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../admin/headers.js';
import {
  ADMIN_TOKEN,
  type Echo,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { overTls, testTls } from '../test-support/transport.js';

let echo: Echo;
let gw: TestGateway;
let seeded: Seeded;

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway();
  seeded = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], maxBodyBytes: 4096 });
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// Over TLS when the suite runs that way (npm run test:tls).
const request = overTls ? httpsRequest : httpRequest;
const tlsOptions = overTls ? { ca: testTls().ca.cert } : {};

/** node:http sends the path as given (fetch would normalise it). */
function send(s: Sent): Promise<Got> {
  return new Promise((resolve, reject) => {
    // node frames a body on GET/OPTIONS/DELETE only with an explicit length; without one it would be read as a
    // second (garbage) request.
    const headers =
      s.body === undefined
        ? s.headers
        : { ...s.headers, 'content-length': String(Buffer.byteLength(s.body)) };
    const req = request(`${gw.url}/`, { method: s.method, headers, ...tlsOptions }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.path = s.path;
    req.end(s.body);
  });
}

const segment = fc.oneof(
  fc.webSegment(),
  fc.constantFrom('', '.', '..', '%2e%2e', '%2f', '%00', '%ff', '~', 'a;b', '%', '%zz', '%C3%A4'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const query = fc.option(
  fc.webQueryParameters().map((q) => `?${q}`),
  { nil: '' },
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');
const headerName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
  .filter(
    (n) => !['content-length', 'transfer-encoding', 'host', 'connection', 'expect', 'upgrade'].includes(n),
  );
const headerValue = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,40}$/);
const body = fc.option(
  fc.oneof(
    fc.json(),
    fc.string({ maxLength: 200 }),
    fc.jsonValue().map((v) => JSON.stringify({ name: v, tenantId: v, basePath: v, targets: v, settings: v })),
  ),
  { nil: undefined },
);

describe('fuzz', () => {
  it('admin API: never a 5xx, always the security headers', { timeout: 60_000 }, async () => {
    const tenantId = seeded.tenantId;
    const adminPath = fc
      .tuple(
        fc.constantFrom(
          'tenants',
          'apis',
          'apps',
          'plans',
          'subscriptions',
          'catalog',
          'logs',
          'usage',
          'ai/providers',
          'ai/models',
          'x',
        ),
        fc.array(
          fc.oneof(segment, fc.constantFrom(tenantId, seeded.apiId, 'publish', 'tokens', 'keys', 'approve')),
          { maxLength: 3 },
        ),
        query,
      )
      .map(([resource, rest, q]) => `/admin/v1/${resource}${rest.map((s) => `/${s}`).join('')}${q}`);
    await fc.assert(
      fc.asyncProperty(
        method,
        adminPath,
        body,
        fc.constantFrom('platform', 'tenant', 'none', 'junk'),
        async (m, path, b, who) => {
          const token = { platform: ADMIN_TOKEN, tenant: seeded.tenantToken, none: '', junk: 'x'.repeat(40) }[
            who
          ];
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (token) headers.authorization = `Bearer ${token}`;
          const got = await send({
            method: m,
            path,
            headers,
            body: m === 'GET' || m === 'HEAD' ? undefined : b,
          });
          expect([m, path, got.status, got.body]).toEqual([
            m,
            path,
            got.status < 500 ? got.status : 'a 4xx',
            got.body,
          ]);
          for (const [name, value] of Object.entries(securityHeaders))
            expect([path, name, got.headers[name]]).toEqual([path, name, value]);
        },
      ),
      { numRuns: 500, seed: 4242 },
    );
  });

  it('data plane: never a 5xx with a healthy upstream, and alive afterwards', {
    timeout: 60_000,
  }, async () => {
    const dataPath = fc
      .tuple(
        fc.constantFrom('/echo/f', '/echo', '/nowhere', '/echo/f/'),
        fc.array(segment, { maxLength: 4 }),
        query,
      )
      .map(([base, rest, q]) => `${base}${rest.map((s) => `/${s}`).join('')}${q}`);
    const headers = fc
      .tuple(
        fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
        fc.constantFrom('key', 'bearer', 'none', 'junk'),
      )
      .map(([h, auth]) => {
        const out: Record<string, string> = { ...h };
        if (auth === 'key') out['x-api-key'] = seeded.key;
        if (auth === 'bearer') out.authorization = `Bearer ${seeded.key}`;
        if (auth === 'junk') out['x-api-key'] = `${seeded.key.split('.')[0]}.junk`;
        return out;
      });
    await fc.assert(
      fc.asyncProperty(method, dataPath, headers, body, async (m, path, h, b) => {
        const got = await send({
          method: m,
          path,
          headers: h,
          body: m === 'GET' || m === 'HEAD' ? undefined : b,
        });
        expect([m, path, got.status, got.body]).toEqual([
          m,
          path,
          got.status < 500 ? got.status : 'a 4xx',
          got.body,
        ]);
      }),
      { numRuns: 500, seed: 4242 },
    );
    const res = await fetch(`${gw.url}/echo/alive`, { headers: { 'x-api-key': seeded.key } });
    expect(res.status).toBe(200);
  });
});
