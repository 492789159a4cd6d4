// One-time sign-in links (what `npm start` prints for the console): exchanged once for a session cookie,
// refused when used, expired, or for a disabled person, all with the same answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, V1 } from '../test-support/admin-fixtures.js';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';
import { oneTimeLogin } from './routes/login-links.js';

let gw: TestGateway;
let userId: string;

beforeAll(async () => {
  gw = await startTestGateway();
  const created = await gw.admin.ok('POST', `${V1}/users`, {
    email: 'ops@example.test',
    displayName: 'Ops',
    platformAdmin: true,
  });
  userId = created.user.id;
  await gw.admin.ok('PATCH', `${V1}/users/${userId}`, { status: 'active' });
});
afterAll(() => gw.stop());

const tokenOf = (link: string) => link.split('#login=')[1]!;
const redeem = (token: string) => gw.admin.request('POST', `${V1}/session/link`, { token }, '');
const refused = 'invalid, used or expired sign-in link';

describe('one-time sign-in links', () => {
  it('open a session once', async () => {
    const link = await oneTimeLogin(gw.store, gw.url, userId);
    expect(link).toMatch(new RegExp(`^${gw.url}/console/#login=[\\w-]{43}$`));
    const first = await redeem(tokenOf(link));
    expect(first.status).toBe(201);
    expect(first.body.user.email).toBe('ops@example.test');
    expect(first.body.session).toMatchObject({ via: 'link', current: true });
    const cookie = /^gk_session=([^;]+)/.exec(first.headers.getSetCookie()[0]!)![1]!;
    const me = await fetch(`${gw.url}${V1}/me`, { headers: { cookie: `gk_session=${cookie}` } });
    expect([me.status, ((await me.json()) as { email: string }).email]).toEqual([200, 'ops@example.test']);
    expectProblem(await redeem(tokenOf(link)), 401, 'unauthorized', refused);
  });

  it('are worthless once expired, superseded, unknown, or for a disabled person', async () => {
    const expired = tokenOf(await oneTimeLogin(gw.store, gw.url, userId));
    await gw.store.db
      .updateTable('one_time_links')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('purpose', '=', 'login')
      .where('used_at', 'is', null)
      .execute();
    expectProblem(await redeem(expired), 401, 'unauthorized', refused);
    const superseded = tokenOf(await oneTimeLogin(gw.store, gw.url, userId));
    const newer = tokenOf(await oneTimeLogin(gw.store, gw.url, userId));
    expectProblem(await redeem(superseded), 401, 'unauthorized', refused);
    expectProblem(await redeem('x'.repeat(43)), 401, 'unauthorized', refused);
    await gw.admin.ok('PATCH', `${V1}/users/${userId}`, { status: 'disabled' });
    expectProblem(await redeem(newer), 401, 'unauthorized', refused);
  });
});
