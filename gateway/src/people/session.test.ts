// People end to end over real sockets, with a real SMTP catcher: invitation → password → session cookie
// (flags), session fixation, CSRF, expiry, revocation, personal tokens, password reset, throttling, audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../test-support/admin-fixtures.js';
import { type Reply, startTestGateway, type TestGateway } from '../test-support/harness.js';
import { type SmtpCatcher, startSmtpCatcher } from '../test-support/smtp-catcher.js';

const V1 = '/admin/v1';
let gw: TestGateway;
let smtp: SmtpCatcher;
let tenantId: string;
let origin: string;
const email = 'ada@example.test';
const password = 'correct horse battery staple';

async function send(
  method: string,
  path: string,
  o: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply & { setCookie: string[] }> {
  const res = await fetch(gw.url + V1 + path, {
    method,
    headers: {
      ...(o.cookie ? { cookie: `gk_session=${o.cookie}` } : {}),
      ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...o.headers,
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? JSON.parse(text) : null,
    setCookie: res.headers.getSetCookie(),
  };
}

const cookieOf = (r: { setCookie: string[] }) => /^gk_session=([^;]+)/.exec(r.setCookie[0] ?? '')?.[1];

async function signIn(pw = password) {
  const reply = await send('POST', '/session', { body: { email, password: pw } });
  expect(reply.status).toBe(201);
  return { cookie: cookieOf(reply)!, csrf: reply.body.csrfToken as string, reply };
}

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  gw = await startTestGateway({ SMTP_URL: smtp.url, TRUST_PROXY_HOPS: 1 });
  origin = gw.url;
  tenantId = (await gw.admin.ok('POST', `${V1}/tenants`, { name: 'people' })).id;
  const created = await gw.admin.ok('POST', `${V1}/users`, {
    email: 'Ada@Example.test',
    displayName: 'Ada',
    memberships: [{ tenantId, role: 'maintainer' }],
  });
  expect(created.link).toBeNull(); // mailed, so not shown
  expect(created.user).toMatchObject({ email, status: 'invited', platformAdmin: false });
});
afterAll(async () => {
  await gw.stop();
  await smtp.close();
});

describe('people', () => {
  it('accepts a mailed invitation once, then signs in with a cookie that has the right flags', async () => {
    const token = smtp.linkTo(email, 'invite')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const accepted = await send('POST', '/invitations/accept', { body: { token, password } });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({
      email,
      status: 'active',
      memberships: [{ tenantId, role: 'maintainer' }],
    });
    expectProblem(
      await send('POST', '/invitations/accept', { body: { token, password } }),
      401,
      'unauthorized',
      'invalid or used link',
    );
    const { reply } = await signIn();
    expect(reply.setCookie).toHaveLength(1);
    expect(reply.setCookie[0]).toMatch(
      /^gk_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/admin; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    // Over TLS (here: a trusted proxy saying so) the cookie is Secure too.
    const tls = await send('POST', '/session', {
      body: { email, password },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(tls.setCookie[0]).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    expect(JSON.stringify(reply.body)).not.toContain(cookieOf(reply)!);
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    for (const body of [
      { email, password: 'wrong password!' },
      { email: 'nobody@example.test', password },
    ]) {
      expectProblem(await send('POST', '/session', { body }), 401, 'unauthorized', 'wrong email or password');
    }
  });

  it('never adopts a session id the client brings (fixation)', async () => {
    const planted = 'attacker-chosen-session-id-0123456789abcdefghij';
    const reply = await send('POST', '/session', { cookie: planted, body: { email, password } });
    expect(reply.status).toBe(201);
    expect(cookieOf(reply)).not.toBe(planted);
    expectProblem(
      await send('GET', '/me', { cookie: planted }),
      401,
      'unauthorized',
      'session expired or revoked; sign in again',
    );
    expect((await send('GET', '/me', { cookie: cookieOf(reply)! })).status).toBe(200);
  });

  it('acts in the tenant with the member role, and refuses cross-site writes made with the cookie (CSRF)', async () => {
    const { cookie, csrf } = await signIn();
    expect((await send('GET', '/apis', { cookie })).body).toEqual({ items: [], nextCursor: null });
    const app = { name: 'from the console' };
    expectProblem(
      await send('POST', '/apps', {
        cookie,
        body: app,
        headers: { origin: 'https://evil.example', 'x-csrf-token': csrf },
      }),
      403,
      'forbidden',
      'cross-site request refused: the Origin header is missing or not this site',
    );
    expectProblem(
      await send('POST', '/apps', { cookie, body: app }),
      403,
      'forbidden',
      'cross-site request refused: the Origin header is missing or not this site',
    );
    expectProblem(
      await send('POST', '/apps', { cookie, body: app, headers: { origin } }),
      403,
      'forbidden',
      'cross-site request refused: missing or wrong X-CSRF-Token',
    );
    expect((await gw.admin.ok('GET', `${V1}/apps`)).items).toEqual([]);
    const made = await send('POST', '/apps', {
      cookie,
      body: app,
      headers: { origin, 'x-csrf-token': csrf },
    });
    expect(made.status).toBe(201);
    expect(made.body.tenantId).toBe(tenantId);
    expectProblem(
      await send('POST', '/apis/x/plans', {
        cookie,
        body: { name: 'p' },
        headers: { origin, 'x-csrf-token': csrf },
      }),
      404,
      'not_found',
      'api x not found',
    );
    const audit = await gw.admin.ok('GET', `${V1}/audit?action=createApp`);
    expect(audit.items[0].actor).toEqual({
      kind: 'user',
      id: expect.stringMatching(/^usr_/),
      label: email,
      tenantId,
    });
  });

  it('ends a session on sign-out, on revocation from another session, and after idle or absolute expiry', async () => {
    const one = await signIn();
    const two = await signIn();
    const list = await send('GET', '/me/sessions', { cookie: one.cookie });
    const mine = list.body.items.filter((s: { current: boolean }) => s.current);
    expect(mine).toHaveLength(1);
    const other = list.body.items.find((s: { id: string }) => s.id === two.reply.body.session.id);
    const revoke = await send('DELETE', `/me/sessions/${other.id}`, {
      cookie: one.cookie,
      headers: { origin, 'x-csrf-token': one.csrf },
    });
    expect(revoke.status).toBe(204);
    expectProblem(
      await send('GET', '/me', { cookie: two.cookie }),
      401,
      'unauthorized',
      'session expired or revoked; sign in again',
    );

    const out = await send('DELETE', '/session', {
      cookie: one.cookie,
      headers: { origin, 'x-csrf-token': one.csrf },
    });
    expect(out.status).toBe(204);
    expect(out.setCookie[0]).toMatch(
      /^gk_session=; Path=\/admin; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/,
    );
    expectProblem(
      await send('GET', '/me', { cookie: one.cookie }),
      401,
      'unauthorized',
      'session expired or revoked; sign in again',
    );

    // Expiry is checked against the stored times: move them into the past instead of waiting.
    const idle = await signIn();
    const absolute = await signIn();
    const past = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    await gw.store.db
      .updateTable('sessions')
      .set({ last_seen_at: past(31 * 60) })
      .where('id', '=', idle.reply.body.session.id)
      .execute();
    await gw.store.db
      .updateTable('sessions')
      .set({ expires_at: past(1) })
      .where('id', '=', absolute.reply.body.session.id)
      .execute();
    for (const s of [idle, absolute]) {
      expectProblem(
        await send('GET', '/me', { cookie: s.cookie }),
        401,
        'unauthorized',
        'session expired or revoked; sign in again',
      );
    }
  });

  it('issues personal tokens no stronger than their user, and lists and revokes them', async () => {
    const { cookie, csrf } = await signIn();
    const headers = { origin, 'x-csrf-token': csrf };
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    expectProblem(
      await send('POST', '/me/tokens', { cookie, headers, body: { tenantId, role: 'owner', expiresAt } }),
      403,
      'forbidden',
      'a personal token cannot grant more than its user holds',
    );
    const issued = await send('POST', '/me/tokens', {
      cookie,
      headers,
      body: { tenantId, role: 'viewer', expiresAt, name: 'ci' },
    });
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^gkp_/);
    const pat = gw.admin.as(issued.body.token);
    expect((await pat.request('GET', `${V1}/apps`)).status).toBe(200);
    expectProblem(
      await pat.request('POST', `${V1}/apps`, { name: 'x' }),
      403,
      'forbidden',
      'this operation needs the developer role (the caller is viewer)',
    );
    const mine = await send('GET', '/me/tokens', { cookie });
    expect(mine.body.items.map((t: { id: string; role: string }) => [t.id, t.role])).toEqual([
      [issued.body.id, 'viewer'],
    ]);
    // Removing the membership narrows the token at once.
    const userId = issued.body.userId as string;
    await gw.admin.ok('DELETE', `${V1}/tenants/${tenantId}/members/${userId}`);
    expect((await pat.request('GET', `${V1}/apps`)).status).toBe(401);
    await gw.admin.ok('POST', `${V1}/tenants/${tenantId}/invitations`, { email, role: 'viewer' });
    await gw.admin.ok('PUT', `${V1}/tenants/${tenantId}/members/${userId}`, { role: 'maintainer' });
    expect((await pat.request('GET', `${V1}/apps`)).status).toBe(200);
    expect((await send('DELETE', `/me/tokens/${issued.body.id}`, { cookie, headers })).status).toBe(204);
    expect((await pat.request('GET', `${V1}/apps`)).status).toBe(401);
  });

  it('resets a password through a mailed one-time link, ending every session', async () => {
    const before = await signIn();
    expect((await send('POST', '/password-reset', { body: { email: 'nobody@example.test' } })).status).toBe(
      202,
    );
    expect((await send('POST', '/password-reset', { body: { email } })).status).toBe(202);
    const token = smtp.linkTo(email, 'reset')!;
    const fresh = 'a brand new passphrase';
    expect((await send('POST', '/password-reset/confirm', { body: { token, password: fresh } })).status).toBe(
      204,
    );
    expect((await send('POST', '/password-reset/confirm', { body: { token, password: fresh } })).status).toBe(
      401,
    );
    expect((await send('GET', '/me', { cookie: before.cookie })).status).toBe(401);
    expect((await send('POST', '/session', { body: { email, password } })).status).toBe(401);
    await signIn(fresh);
  });

  it('throttles failed sign-ins for a while, and audits sign-ins, sign-outs and failures', async () => {
    const user = 'throttled@example.test';
    for (let i = 0; i < 10; i++) {
      expect(
        (await send('POST', '/session', { body: { email: user, password: `guess ${i} guess` } })).status,
      ).toBe(401);
    }
    const blocked = await send('POST', '/session', { body: { email: user, password: 'guess 10 guess' } });
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    const actions = (await gw.admin.ok('GET', `${V1}/audit?limit=200`)).items.map(
      (e: { action: string }) => e.action,
    );
    for (const action of [
      'login',
      'logout',
      'login_failed',
      'password_reset',
      'invitation_accepted',
      'setMemberRole',
      'removeMember',
    ]) {
      expect(actions).toContain(action);
    }
  });
});
