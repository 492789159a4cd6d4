// No secret leaves the gateway where it should not: after a run that uses the admin token, a tenant token, an
// API key, an AI provider key, SECRET_KEY, a database password, a user's password, session and tokens, and an
// OIDC client secret with the codes of a sign-in, none appears in a log line, a call-log record, an audit
// record, an error body, an admin answer (other than the one that issues it) or /metrics.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LlmMock,
  seedAiApi,
  seedModel,
  seedProvider,
  startLlmMock,
} from '../test-support/ai-fixtures.js';
import { Browser, type Page } from '../test-support/browser.js';
import {
  AdminClient,
  type Echo,
  type Reply,
  seedKeyedApi,
  startEcho,
  type TestGateway,
} from '../test-support/harness.js';
import { startIdp, type TestIdp, throughIdp } from '../test-support/oidc-idp.js';
import { type GatewayProcess, spawnGateway } from '../test-support/process.js';
import { postgresAdminUrl } from '../test-support/stores.js';

const rand = (p: string) => `${p}${randomBytes(12).toString('hex')}`;
const secrets = {
  adminToken: rand('admintok-'),
  secretKey: rand('sealkey-'),
  dbPassword: rand('dbpw'),
  providerKey: rand('sk-provider-'),
  tenantToken: '',
  apiKey: '',
  password: rand('pw-'),
  sessionId: '',
  csrfToken: '',
  personalToken: '',
  oidcClientSecret: rand('oidc-client-'),
  oidcCode: '',
  oidcState: '',
  oidcRefusedCode: '',
  ssoSessionId: '',
};
const role = rand('gk_sec_');

/** Everything the run produced that a secret must not be in. */
const seen: string[] = [];

class RecordingAdmin extends AdminClient {
  override async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token = this.token,
  ): Promise<Reply<T>> {
    const reply = await super.request<T>(method, path, body, token);
    // Issuing answers carry their secret once, by design; every other answer is checked.
    const issuing = method === 'POST' && /\/(tokens|keys)$/.test(path) && reply.status === 201;
    if (!issuing)
      seen.push(
        `${method} ${path} ${reply.status} ${JSON.stringify([...reply.headers])} ${JSON.stringify(reply.body)}`,
      );
    return reply;
  }
}

async function call(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, init);
  seen.push(`${url} ${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
  return res.status;
}

let admin: pg.Client;
let gw: GatewayProcess;
let echo: Echo;
let llm: LlmMock;
let idp: TestIdp;
let dbUrl: string;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${secrets.dbPassword}'`);
  await admin.query(`CREATE DATABASE ${role} OWNER ${role}`);
  const base = new URL(postgresAdminUrl);
  dbUrl = `postgres://${role}:${secrets.dbPassword}@${base.host}/${role}`;
  [echo, llm, idp] = await Promise.all([
    startEcho(),
    startLlmMock({ apiKeys: [secrets.providerKey] }),
    startIdp(),
  ]);
  const sso = {
    id: 'corp',
    name: 'Corp',
    issuer: idp.issuer,
    clientId: 'gateway',
    clientSecret: '$' + '{env:GK_OIDC_SECRET}',
    scopes: 'openid email profile groups',
    roles: [{ value: 'gk-admins', role: 'platform' }],
  };
  gw = await spawnGateway({
    ADMIN_TOKEN: secrets.adminToken,
    SECRET_KEY: secrets.secretKey,
    DATABASE_URL: dbUrl,
    CALL_LOG_FLUSH_MS: '50',
    OIDC_PROVIDERS: JSON.stringify([sso]),
    GK_OIDC_SECRET: secrets.oidcClientSecret,
  });
  idp.register({
    clientId: 'gateway',
    clientSecret: secrets.oidcClientSecret,
    redirectUris: [`${gw.url}/admin/v1/sso/corp/callback`],
  });
  idp.accounts.set('sso-user', {
    sub: 'sso-user',
    email: 'sso@example.test',
    email_verified: true,
    groups: ['gk-admins'],
  });
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
  await llm?.close();
  await idp?.close();
  await admin.query(`DROP DATABASE IF EXISTS ${role} WITH (FORCE)`).catch(() => {});
  await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
  await admin.end();
});

describe('secrets', () => {
  it('appear in no log line, call-log record, error body, admin answer or metric', {
    timeout: 60_000,
  }, async () => {
    const platform = new RecordingAdmin(gw.url, secrets.adminToken);
    const fake = { admin: platform } as unknown as TestGateway;
    const rest = await seedKeyedApi(platform, { targets: [{ url: echo.url }] });
    secrets.tenantToken = rest.tenantToken;
    secrets.apiKey = rest.key;
    const provider = await seedProvider(fake, {
      tenantId: rest.tenantId,
      type: 'openai',
      baseUrl: `${llm.url}/v1`,
      keys: [{ key: secrets.providerKey }],
    });
    await seedModel(fake, {
      tenantId: rest.tenantId,
      name: 'gpt-sec',
      providerId: provider.id,
      upstreamModel: 'mock-gpt-small',
    });
    const ai = await seedAiApi(fake, { tenantId: rest.tenantId, kind: 'ai', basePath: '/ai-sec' });

    // Use each secret, rightly and wrongly.
    expect(await call(`${gw.url}/echo/x`, { headers: { 'x-api-key': secrets.apiKey } })).toBe(200);
    expect(await call(`${gw.url}/echo/x`, { headers: { authorization: `Bearer ${secrets.apiKey}` } })).toBe(
      200,
    );
    expect(await call(`${gw.url}/echo/x`, { headers: { 'x-api-key': `${secrets.apiKey}x` } })).toBe(401);
    expect(await call(`${gw.url}/nowhere`, { headers: { 'x-api-key': secrets.apiKey } })).toBe(404);
    const chat = {
      method: 'POST',
      headers: { 'x-api-key': ai.key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-sec', messages: [{ role: 'user', content: 'hi' }] }),
    };
    const first = await call(`${gw.url}/ai-sec/chat/completions`, chat);
    expect([first, seen.at(-1)]).toEqual([200, seen.at(-1)]);
    const tenant = new RecordingAdmin(gw.url, secrets.tenantToken);
    expect((await tenant.request('GET', '/admin/v1/apis')).status).toBe(200);
    expect((await tenant.request('GET', '/admin/v1/ai/providers')).status).toBe(200);
    expect(
      (await platform.request('GET', '/admin/v1/tenants', undefined, `${secrets.adminToken}x`)).status,
    ).toBe(401);
    expect(
      (await platform.request('GET', '/admin/v1/tenants', undefined, `${secrets.tenantToken}x`)).status,
    ).toBe(401);
    expect(
      (await platform.request('POST', '/admin/v1/tenants', `{"name": "${secrets.adminToken}`)).status,
    ).toBe(400);
    // People: a password, a session cookie and its CSRF token, a personal token — each used rightly and wrongly.
    const user = await platform.request<{ user: { id: string }; link: string }>('POST', '/admin/v1/users', {
      email: 'leak@example.test',
      displayName: 'Leak',
      memberships: [{ tenantId: rest.tenantId, role: 'owner' }],
    });
    const invite = user.body.link.split('#invite=')[1]!;
    const json = { 'content-type': 'application/json' };
    const accepted = await fetch(`${gw.url}/admin/v1/invitations/accept`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: invite, password: secrets.password }),
    });
    secrets.sessionId = /^gk_session=([^;]+)/.exec(accepted.headers.getSetCookie()[0]!)![1]!;
    secrets.csrfToken = ((await accepted.json()) as { csrfToken: string }).csrfToken;
    const login = (password: string) =>
      call(`${gw.url}/admin/v1/session`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email: 'leak@example.test', password }),
      });
    expect(await login(`${secrets.password}x`)).toBe(401);
    const cookie = { cookie: `gk_session=${secrets.sessionId}` };
    const session = { ...cookie, ...json, origin: gw.url, 'x-csrf-token': secrets.csrfToken };
    expect(await call(`${gw.url}/admin/v1/me`, { headers: cookie })).toBe(200);
    expect(
      await call(`${gw.url}/admin/v1/me`, { headers: { cookie: `gk_session=${secrets.sessionId}x` } }),
    ).toBe(401);
    const forged = { ...session, 'x-csrf-token': `${secrets.csrfToken}x` };
    expect(
      await call(`${gw.url}/admin/v1/apps`, { method: 'POST', headers: forged, body: '{"name":"x"}' }),
    ).toBe(403);
    const pat = await fetch(`${gw.url}/admin/v1/me/tokens`, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({
        tenantId: rest.tenantId,
        role: 'viewer',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    });
    secrets.personalToken = ((await pat.json()) as { token: string }).token;
    const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });
    expect(await call(`${gw.url}/admin/v1/apis`, bearer(secrets.personalToken))).toBe(200);
    expect(await call(`${gw.url}/admin/v1/apis`, bearer(`${secrets.personalToken}x`))).toBe(401);
    expect(await call(`${gw.url}/admin/v1/me/sessions`, { headers: cookie })).toBe(200);
    expect(await call(`${gw.url}/admin/v1/session`, { method: 'DELETE', headers: session })).toBe(204);
    // Single sign-on: the client secret goes to the provider only, the code and state come back in a URL and go
    // no further, the session they open is like any other. One sign-in succeeds, one has its code tampered with.
    const browser = new Browser();
    const record = (page: Page) => seen.push(`${page.status} ${page.body}`); // headers set the cookie, by design
    const flow = await throughIdp(browser, gw.url, 'corp', 'sso-user');
    const answer = new URL(flow.callback).searchParams;
    secrets.oidcCode = answer.get('code')!;
    secrets.oidcState = answer.get('state')!;
    const signedIn = await browser.request(flow.callback);
    record(signedIn);
    expect(signedIn.status).toBe(302);
    secrets.ssoSessionId = browser.jar(gw.url).get('gk_session')!;
    expect(
      await call(`${gw.url}/admin/v1/session`, { headers: { cookie: `gk_session=${secrets.ssoSessionId}` } }),
    ).toBe(200);
    expect(
      await call(`${gw.url}/admin/v1/me`, { headers: { cookie: `gk_session=${secrets.ssoSessionId}x` } }),
    ).toBe(401);
    const tampered = new URL((await throughIdp(browser, gw.url, 'corp', 'sso-user')).callback);
    secrets.oidcRefusedCode = tampered.searchParams.get('code')!;
    tampered.searchParams.set('code', `${secrets.oidcRefusedCode.slice(0, -2)}xx`);
    const refused = await browser.request(tampered.href);
    record(refused);
    expect(refused.status).toBe(401);
    expect(await call(`${gw.url}/admin/v1/audit?limit=200`, bearer(secrets.adminToken))).toBe(200);
    // An upstream failure with the provider key in play: the provider now refuses everything.
    await llm.close();
    expect(await call(`${gw.url}/ai-sec/chat/completions`, chat)).toBeGreaterThanOrEqual(500);
    expect(
      await call(`${gw.url}/admin/v1/logs?limit=200`, {
        headers: { authorization: `Bearer ${secrets.adminToken}` },
      }),
    ).toBe(200);
    expect(await call(`${gw.url}/metrics`)).toBe(401);
    expect(
      await call(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${secrets.adminToken}` } }),
    ).toBe(200);

    // The call log as stored, every column.
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await expect
        .poll(async () => Number((await db.query('SELECT count(*) AS n FROM call_logs')).rows[0].n))
        .toBeGreaterThanOrEqual(6);
      seen.push(JSON.stringify((await db.query('SELECT * FROM call_logs')).rows));
      seen.push(JSON.stringify((await db.query('SELECT * FROM audit_log')).rows));
      // Issued secrets are stored as hashes only.
      const stored = JSON.stringify([
        (await db.query('SELECT * FROM api_keys')).rows,
        (await db.query('SELECT * FROM admin_tokens')).rows,
        (await db.query('SELECT * FROM users')).rows,
        (await db.query('SELECT * FROM sessions')).rows,
        (await db.query('SELECT * FROM sso_logins')).rows,
        (await db.query('SELECT * FROM sso_identities')).rows,
      ]);
      expect(stored).not.toContain(secrets.ssoSessionId);
      expect(stored).not.toContain(secrets.oidcState);
      expect(stored).not.toContain(secrets.oidcClientSecret);
      expect(stored).not.toContain(secrets.password);
      expect(stored).not.toContain(secrets.sessionId);
      expect(stored).not.toContain(secrets.personalToken.split('.')[1]);
      expect(stored).not.toContain(secrets.apiKey.split('.')[1]);
      expect(stored).not.toContain(secrets.tenantToken.split('.')[1]);
    } finally {
      await db.end();
    }
    await gw.stop();
    seen.push(...gw.logs.map((l) => JSON.stringify(l)), ...gw.stderr);
    expect(gw.logs.length).toBeGreaterThan(0);

    const text = seen.join('\n');
    const secretParts = {
      ...secrets,
      apiKeySecret: secrets.apiKey.split('.')[1]!,
      tenantTokenSecret: secrets.tenantToken.split('.')[1]!,
      personalTokenSecret: secrets.personalToken.split('.')[1]!,
    };
    for (const [name, value] of Object.entries(secretParts)) {
      expect(value.length, name).toBeGreaterThan(10);
      expect([name, text.includes(value)]).toEqual([name, false]);
    }
  });
});
