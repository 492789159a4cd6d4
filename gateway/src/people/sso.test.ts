// Single sign-on end to end against a real OpenID Provider (oidc-provider) on a loopback port: the browser is
// sent to the provider, signs in and consents on its pages, comes back with a code that the gateway redeems
// (PKCE, state, nonce, ID token) and leaves with the same session cookie a password sign-in gives.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OidcProvider } from '../config/oidc.js';
import { expectProblem } from '../test-support/admin-fixtures.js';
import { Browser, formOf, type Page, redirectOf } from '../test-support/browser.js';
import { type Reply, startTestGateway, type TestGateway } from '../test-support/harness.js';
import { throughIdp as idpFlow, startIdp, type TestIdp } from '../test-support/oidc-idp.js';

const V1 = '/admin/v1';
const secretVar = `GK_TEST_OIDC_SECRET_${randomBytes(4).toString('hex')}`;
const clientSecret = randomBytes(24).toString('base64url');
let gw: TestGateway;
let idp: TestIdp;
let dir: string;
const tenants: Record<'a' | 'b', string> = { a: '', b: '' };
const logs: Record<string, unknown>[] = [];

const isCallback = (url: string) => url.startsWith(`${gw.url}${V1}/sso/`) && url.includes('/callback?');
const throughIdp = (browser: Browser, provider: string, login: string, returnTo?: string) =>
  idpFlow(browser, gw.url, provider, login, returnTo);

/** A whole sign-in: the gateway's answer to the callback. */
async function ssoSignIn(browser: Browser, provider: string, login: string, returnTo?: string) {
  const { callback } = await throughIdp(browser, provider, login, returnTo);
  return browser.request(callback);
}

function expectPageProblem(page: Page, ...rest: [number, Parameters<typeof expectProblem>[2], string]) {
  expectProblem({ status: page.status, headers: page.headers, body: JSON.parse(page.body) }, ...rest);
}

const sessionOf = (page: Page) =>
  page.headers
    .getSetCookie()
    .map((c) => /^gk_session=([^;]+)/.exec(c)?.[1])
    .find(Boolean);

async function asCookie(cookie: string, path: string): Promise<Reply> {
  const res = await fetch(gw.url + V1 + path, { headers: { cookie: `gk_session=${cookie}` } });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

beforeAll(async () => {
  process.env[secretVar] = clientSecret;
  idp = await startIdp();
  // Tenants exist before the configuration naming them, as an operator would do it: create, then restart.
  dir = mkdtempSync(join(tmpdir(), 'gk-sso-'));
  const DATABASE_URL = `sqlite:${join(dir, 'gateway.db')}`;
  const first = await startTestGateway({ DATABASE_URL });
  tenants.a = (await first.admin.ok('POST', `${V1}/tenants`, { name: 'sso-a' })).id;
  tenants.b = (await first.admin.ok('POST', `${V1}/tenants`, { name: 'sso-b' })).id;
  await first.admin.ok('POST', `${V1}/users`, {
    email: 'bob@example.test',
    displayName: 'Bob',
    memberships: [{ tenantId: tenants.a, role: 'viewer' }],
  });
  await first.stop();
  const common = {
    clientId: 'gateway',
    clientSecret: `\${env:${secretVar}}`,
    scopes: 'openid email profile groups',
  };
  const providers: OidcProvider[] = [
    {
      ...common,
      id: 'corp',
      name: 'Corp SSO',
      issuer: idp.issuer,
      claim: 'groups',
      roles: [
        { value: 'gk-admins', role: 'platform' },
        { value: 'payments-devs', role: 'developer', tenantId: tenants.a },
        { value: 'payments-leads', role: 'maintainer', tenantId: tenants.a },
        { value: 'ghosts', role: 'viewer', tenantId: 'ten_typo' },
      ],
    },
    {
      ...common,
      id: 'acme',
      name: 'Acme',
      issuer: idp.issuer,
      tenantId: tenants.b,
      claim: 'groups',
      roles: [{ value: 'staff', role: 'viewer', tenantId: tenants.b }],
    },
    {
      ...common,
      id: 'down',
      name: 'Down',
      issuer: 'http://127.0.0.1:9',
      claim: 'groups',
      roles: [{ value: 'x', role: 'platform' }],
    },
  ];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(JSON.parse(String(chunk)));
      done();
    },
  });
  gw = await startTestGateway(
    { DATABASE_URL, OIDC_PROVIDERS: providers },
    { logger: pino({ level: 'warn' }, sink) },
  );
  idp.register({
    clientId: 'gateway',
    clientSecret,
    redirectUris: ['corp', 'acme'].map((p) => `${gw.url}${V1}/sso/${p}/callback`),
  });
  idp.accounts.set('alice', {
    sub: 'alice-sub',
    email: 'Alice@Example.test',
    email_verified: true,
    name: 'Alice',
    groups: ['payments-devs', 'unrelated'],
  });
});
afterAll(async () => {
  await gw?.stop();
  await idp?.close();
  rmSync(dir, { recursive: true, force: true });
  delete process.env[secretVar];
});

describe('single sign-on (OIDC)', () => {
  it('says at start-up which mapped tenants do not exist', () => {
    expect(logs.filter((l) => String(l.msg).startsWith('OIDC_PROVIDERS'))).toEqual([
      expect.objectContaining({
        level: 40,
        provider: 'corp',
        tenants: ['ten_typo'],
        msg: 'OIDC_PROVIDERS maps roles in tenants that do not exist; those roles are not granted',
      }),
    ]);
  });

  it('lists the providers a sign-in page offers', async () => {
    const reply = await fetch(`${gw.url}${V1}/sso/providers`);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({
      items: ['corp', 'acme', 'down'].map((id) => ({
        id,
        name: { corp: 'Corp SSO', acme: 'Acme', down: 'Down' }[id],
        signInUrl: `${V1}/sso/${id}/start`,
      })),
    });
  });

  it('creates a user with the mapped role and opens the same session a password sign-in does', async () => {
    const browser = new Browser();
    const { start, callback } = await throughIdp(browser, 'corp', 'alice', '/console/#/apis');
    const auth = new URL(redirectOf(start)!);
    expect(auth.origin).toBe(idp.issuer);
    expect(Object.fromEntries(auth.searchParams)).toMatchObject({
      client_id: 'gateway',
      response_type: 'code',
      scope: 'openid email profile groups',
      code_challenge_method: 'S256',
      redirect_uri: `${gw.url}${V1}/sso/corp/callback`,
    });
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(start.headers.getSetCookie()).toEqual([
      expect.stringMatching(
        /^gk_sso=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/admin\/v1\/sso; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
      ),
    ]);

    const done = await browser.request(callback);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/console/#/apis');
    const cookies = done.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(
      /^gk_sso=; Path=\/admin\/v1\/sso; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/,
    );
    expect(cookies[1]).toMatch(
      /^gk_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/admin; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );

    const cookie = sessionOf(done)!;
    const session = await asCookie(cookie, '/session');
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({
      email: 'alice@example.test',
      displayName: 'Alice',
      status: 'active',
      platformAdmin: false,
      memberships: [{ tenantId: tenants.a, role: 'developer' }],
    });
    expect(session.body.session).toMatchObject({ via: 'sso', current: true });
    // The session acts like any other: a developer of tenant A, writes behind Origin + CSRF token.
    const made = await fetch(`${gw.url}${V1}/apps`, {
      method: 'POST',
      headers: {
        cookie: `gk_session=${cookie}`,
        origin: gw.url,
        'x-csrf-token': session.body.csrfToken,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'from sso' }),
    });
    expect([made.status, ((await made.json()) as { tenantId: string }).tenantId]).toEqual([201, tenants.a]);
    const audit = await gw.admin.ok('GET', `${V1}/audit?action=login`);
    expect(audit.items[0]).toMatchObject({
      action: 'login',
      actor: { kind: 'user', label: 'alice@example.test' },
      path: `${V1}/sso/corp/callback`,
    });
  });

  it('finds the user by subject again, and applies the mapping at every sign-in, audited', async () => {
    idp.accounts.set('alice', {
      ...idp.accounts.get('alice')!,
      email: 'alice.new@example.test',
      groups: ['payments-leads', 'gk-admins'],
    });
    const again = await ssoSignIn(new Browser(), 'corp', 'alice');
    expect(again.status).toBe(302);
    const me = await asCookie(sessionOf(again)!, '/me');
    expect(me.body).toMatchObject({
      email: 'alice@example.test', // the account is the subject's, whatever email the provider says now
      platformAdmin: true,
      memberships: [{ tenantId: tenants.a, role: 'maintainer' }],
    });
    const audit = await gw.admin.ok('GET', `${V1}/audit?action=sso_roles`);
    expect(audit.items[0]).toMatchObject({
      actor: { kind: 'sso', id: 'corp', label: 'Corp SSO', tenantId: null },
      target: { type: 'user', id: me.body.id },
      before: { platformAdmin: false, memberships: [{ tenantId: tenants.a, role: 'developer' }] },
      after: { platformAdmin: true, memberships: [{ tenantId: tenants.a, role: 'maintainer' }] },
    });

    // Out of every mapped group: the roles go, and so does the sign-in.
    idp.accounts.set('alice', { ...idp.accounts.get('alice')!, groups: ['unrelated'] });
    expectPageProblem(
      await ssoSignIn(new Browser(), 'corp', 'alice'),
      403,
      'forbidden',
      'the identity provider grants no role here (claim groups)',
    );
    const user = await gw.admin.ok('GET', `${V1}/users/${me.body.id}`);
    expect(user).toMatchObject({ platformAdmin: false, memberships: [] });
    expect((await asCookie(sessionOf(again)!, '/apis')).status).toBe(403);
    const failed = await gw.admin.ok('GET', `${V1}/audit?action=login_failed`);
    expect(failed.items[0]).toMatchObject({
      path: `${V1}/sso/corp/callback`,
      actor: { label: 'alice.new@example.test' },
    });
  });

  it('links an existing account only when the provider verified its email', async () => {
    idp.accounts.set('bob', {
      sub: 'bob-sub',
      email: 'bob@example.test',
      email_verified: false,
      groups: ['payments-devs'],
    });
    expectPageProblem(
      await ssoSignIn(new Browser(), 'corp', 'bob'),
      403,
      'forbidden',
      'an account with this email exists, and the identity provider did not verify the email',
    );
    idp.accounts.set('bob', { ...idp.accounts.get('bob')!, email_verified: true });
    const linked = await ssoSignIn(new Browser(), 'corp', 'bob');
    expect(linked.status).toBe(302);
    expect((await asCookie(sessionOf(linked)!, '/me')).body).toMatchObject({
      email: 'bob@example.test',
      displayName: 'Bob',
      status: 'active', // was invited: the provider vouched for the address
      memberships: [{ tenantId: tenants.a, role: 'developer' }],
    });
    idp.accounts.set('nomail', { sub: 'nomail-sub', groups: ['payments-devs'] });
    expectPageProblem(
      await ssoSignIn(new Browser(), 'corp', 'nomail'),
      403,
      'forbidden',
      'the identity provider sent no verified email for this account',
    );
  });

  it('creates nobody when the only role it would get is in a tenant that does not exist', async () => {
    idp.accounts.set('ghost', {
      sub: 'ghost-sub',
      email: 'ghost@example.test',
      email_verified: true,
      groups: ['ghosts'],
    });
    expectPageProblem(
      await ssoSignIn(new Browser(), 'corp', 'ghost'),
      403,
      'forbidden',
      'the identity provider grants no role here (claim groups)',
    );
    const users = await gw.admin.ok('GET', `${V1}/users`);
    expect(users.items.map((u: { email: string }) => u.email)).not.toContain('ghost@example.test');
    const identities = await gw.store.db.selectFrom('sso_identities').select('subject').execute();
    expect(identities.map((i) => i.subject)).not.toContain('ghost-sub');
  });

  it("keeps a tenant's provider inside its tenant", async () => {
    idp.accounts.set('carol', {
      sub: 'carol-sub',
      email: 'carol@example.test',
      email_verified: true,
      groups: ['staff', 'gk-admins'],
    });
    const carol = await ssoSignIn(new Browser(), 'acme', 'carol');
    expect(carol.status).toBe(302);
    expect((await asCookie(sessionOf(carol)!, '/me')).body).toMatchObject({
      platformAdmin: false,
      memberships: [{ tenantId: tenants.b, role: 'viewer' }],
    });
    // bob belongs to tenant A: acme's provider cannot sign in as him, whatever it claims.
    idp.accounts.set('bob-at-acme', {
      sub: 'other',
      email: 'bob@example.test',
      email_verified: true,
      groups: ['staff'],
    });
    expectPageProblem(
      await ssoSignIn(new Browser(), 'acme', 'bob-at-acme'),
      403,
      'forbidden',
      "a tenant's identity provider cannot sign in to an account outside that tenant",
    );
  });

  it('binds a sign-in to the browser that started it, once, and never adopts a planted session id', async () => {
    const victim = new Browser();
    const { callback } = await throughIdp(new Browser(), 'corp', 'bob');
    // Another browser (a victim lured to the attacker's callback URL) has no matching state cookie.
    expectPageProblem(
      await victim.request(callback),
      403,
      'forbidden',
      'this sign-in was not started in this browser; start it again',
    );

    const browser = new Browser();
    const planted = 'attacker-chosen-session-id-0123456789abcdefghij';
    browser.jar(gw.url).set('gk_session', planted);
    const flow = await throughIdp(browser, 'corp', 'bob');
    const state = browser.jar(gw.url).get('gk_sso')!;
    const done = await browser.request(flow.callback);
    expect(done.status).toBe(302);
    expect(sessionOf(done)).not.toBe(planted);
    expect((await asCookie(planted, '/me')).status).toBe(401);
    // Replaying the same callback, even with its state cookie, finds the login used.
    browser.jar(gw.url).set('gk_sso', state);
    expectPageProblem(
      await browser.request(flow.callback),
      401,
      'unauthorized',
      'this sign-in expired or was already used; start it again',
    );
  });

  it('refuses a denied consent, an unknown provider, a foreign returnTo, and says when the provider is down', async () => {
    const browser = new Browser();
    const start = await browser.request(`${gw.url}${V1}/sso/corp/start`);
    const login = formOf(await browser.follow(redirectOf(start)!));
    const denied = await browser.follow(`${login.action}/abort`, isCallback);
    expect(redirectOf(denied)).toContain('error=access_denied');
    expectPageProblem(
      await browser.request(redirectOf(denied)!),
      401,
      'unauthorized',
      "the identity provider's answer was refused (OAUTH_AUTHORIZATION_RESPONSE_ERROR)",
    );
    const get = (path: string) => new Browser().request(gw.url + V1 + path);
    expectPageProblem(await get('/sso/nope/start'), 404, 'not_found', 'sign-in provider nope not found');
    const foreign = await get('/sso/corp/start?returnTo=%2F%2Fevil.example%2F');
    expect([foreign.status, JSON.parse(foreign.body).code]).toEqual([400, 'validation_failed']);
    expectPageProblem(
      await get('/sso/down/start'),
      502,
      'upstream_unavailable',
      'the identity provider of down could not be reached; try again later',
    );
  });
});
