// OIDC_PROVIDERS is validated once, at start-up: each mistake is one line naming the provider and the field,
// and the client secret is only ever a reference — it is in neither the parsed configuration nor any message.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from './env.js';

const secretVar = `GK_TEST_OIDC_${randomBytes(4).toString('hex')}`;
const secret = randomBytes(16).toString('hex');
process.env[secretVar] = secret;
afterAll(() => {
  delete process.env[secretVar];
});

const good = {
  id: 'corp',
  name: 'Corp',
  issuer: 'https://idp.example.com',
  clientId: 'gateway',
  clientSecret: `\${env:${secretVar}}`,
  roles: [
    { value: 'admins', role: 'platform' },
    { value: 'devs', role: 'developer', tenantId: 'ten_a' },
  ],
};

function load(providers: unknown): ReturnType<typeof loadEnv> {
  return loadEnv({
    ADMIN_TOKEN: 'x'.repeat(20),
    OIDC_PROVIDERS: typeof providers === 'string' ? providers : JSON.stringify(providers),
  });
}

describe('OIDC_PROVIDERS', () => {
  it('parses providers with their defaults, keeping the secret a reference', () => {
    const env = load([
      good,
      { ...good, id: 'acme', tenantId: 'ten_b', roles: [{ value: 'staff', role: 'viewer' }] },
    ]);
    expect(env.OIDC_PROVIDERS).toEqual([
      { ...good, claim: 'groups', scopes: 'openid email profile' },
      {
        ...good,
        id: 'acme',
        tenantId: 'ten_b',
        claim: 'groups',
        scopes: 'openid email profile',
        roles: [{ value: 'staff', role: 'viewer', tenantId: 'ten_b' }],
      },
    ]);
    expect(JSON.stringify(env)).not.toContain(secret);
    expect(loadEnv({ ADMIN_TOKEN: 'x'.repeat(20) }).OIDC_PROVIDERS).toEqual([]);
  });

  it.each([
    ['not JSON', '[{', 'OIDC_PROVIDERS is not valid JSON (a list of providers)'],
    [
      'a literal secret',
      [{ ...good, clientSecret: secret }],
      `OIDC_PROVIDERS[0].clientSecret must be a \${env:NAME} reference, never the secret itself`,
    ],
    [
      'an unset secret variable',
      [{ ...good, clientSecret: `\${env:GK_TEST_OIDC_UNSET}` }],
      'OIDC_PROVIDERS[0].clientSecret names an environment variable that is unset or empty',
    ],
    [
      'a plain-http issuer',
      [{ ...good, issuer: 'http://idp.example.com' }],
      'OIDC_PROVIDERS[0].issuer must be https:// (http:// only on loopback, for tests)',
    ],
    [
      'a bad id',
      [{ ...good, id: 'Corp SSO' }],
      'OIDC_PROVIDERS[0].id must be 1-40 lowercase letters, digits or -',
    ],
    ['an unknown field', [{ ...good, secret: 'x' }], 'OIDC_PROVIDERS[0] Unrecognized key: "secret"'],
    [
      'a tenant role without a tenant',
      [{ ...good, roles: [{ value: 'devs', role: 'developer' }] }],
      'OIDC_PROVIDERS[0].roles[0] a platform-wide provider must name the tenantId of a developer role',
    ],
    [
      'platform from a tenant provider',
      [{ ...good, tenantId: 'ten_b', roles: [{ value: 'a', role: 'platform' }] }],
      'OIDC_PROVIDERS[0].roles[0] only a platform-wide provider may grant platform, and without a tenantId',
    ],
    [
      'another tenant from a tenant provider',
      [{ ...good, tenantId: 'ten_b', roles: [{ value: 'a', role: 'viewer', tenantId: 'ten_a' }] }],
      "OIDC_PROVIDERS[0].roles[0] a tenant's provider grants roles in its own tenant only",
    ],
    [
      'no roles',
      [{ ...good, roles: [] }],
      'OIDC_PROVIDERS[0].roles Too small: expected array to have >=1 items',
    ],
    ['two providers with one id', [good, good], 'OIDC_PROVIDERS has two providers with the same id'],
  ])('refuses %s in one line', (_what, providers, message) => {
    expect(() => load(providers)).toThrow(new ConfigError(`invalid configuration: ${message}`));
    try {
      load(providers);
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });
});
