// Roles across every admin route, table-driven from the route declarations themselves: a tenant viewer gets
// 403 on every write, a developer on every provider-side route (approving among them), a maintainer of tenant
// B gets 404 on everything of tenant A; and docs/admin-api.md's permission table is the generated one. Each
// holds for tenant tokens (automation), for people signed in with a session cookie (the console) — their
// writes carry a valid Origin and CSRF token, so the role and not the CSRF check is what refuses — and for
// tenant owners' personal access tokens scoped down to the role under test.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, restApi, storeState, V1 } from '../test-support/admin-fixtures.js';
import {
  ADMIN_TOKEN,
  type AdminClient,
  type Reply,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { permissionTable } from './permissions.js';
import { roleRank, type TenantRole } from './principal.js';
import type { RouteDef } from './route.js';
import { adminRoutes } from './routes/index.js';

const guarded = adminRoutes.filter((r) => r.role !== 'public');
// `self` routes act on the caller's own account (sessions, personal tokens): no tenant's data.
const writes = guarded.filter((r) => r.method !== 'get' && r.role !== 'self');

/** Smallest valid body per operation, so a 404 is not pre-empted by a 400 on the body. */
const sampleBodies: Record<string, unknown> = {
  updateApi: { name: 'taken over' },
  createPlan: { name: 'free' },
  registerAppClient: { value: 'taken-over-client' },
  updatePlan: { name: 'taken over' },
  changeSubscriptionPlan: { planId: 'pln_taken_over' },
  updateApp: { name: 'taken over' },
  updateAiProvider: { name: 'taken over' },
  updateAiModel: { name: 'taken-over' },
  updateAiBudget: { usdPerDay: 1 },
  updateWebhook: { name: 'taken over' },
  setMemberRole: { role: 'owner' },
  putApiSpec: { openapi: '3.1.0', info: { title: 'taken over', version: '1' }, paths: {} },
};

/** Whoever calls: a tenant token's AdminClient, or a signed-in person's browser. */
interface Caller {
  request(method: string, path: string, body?: unknown): Promise<Reply>;
}

/** A person signed in with the session cookie, sending what the console sends on writes. */
class SessionCaller implements Caller {
  constructor(
    readonly cookie: string,
    readonly csrf: string,
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<Reply> {
    const res = await fetch(gw.url + path, {
      method,
      headers: {
        cookie: `gk_session=${this.cookie}`,
        origin: gw.url,
        'x-csrf-token': this.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }
}

type Kind = 'token' | 'session' | 'personal token';
let gw: TestGateway;
const ids: Record<string, string> = {};
const callers: Record<Kind, Partial<Record<`${'a' | 'b'}-${TenantRole}`, Caller>>> = {
  token: {},
  session: {},
  'personal token': {},
};
let as = callers.token;

async function tokenFor(tenantId: string, role: TenantRole) {
  const issued = await gw.admin.ok('POST', `${V1}/tenants/${tenantId}/tokens`, { name: role, role });
  return { id: issued.id as string, client: gw.admin.as(issued.token) };
}

/** A user with `role` in the tenant, invited, who sets a password and so holds a session. */
async function sessionFor(tenantId: string, role: TenantRole, name: string): Promise<SessionCaller> {
  const created = await gw.admin.ok('POST', `${V1}/users`, {
    email: `${name}@perm.example.test`,
    displayName: name,
    memberships: [{ tenantId, role }],
  });
  const res = await fetch(`${gw.url}${V1}/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: created.link.split('#invite=')[1], password: 'permissions-test-password' }),
  });
  expect(res.status).toBe(201);
  const cookie = /^gk_session=([^;]+)/.exec(res.headers.getSetCookie()[0]!)![1]!;
  return new SessionCaller(cookie, ((await res.json()) as { csrfToken: string }).csrfToken);
}

/** An owner's personal access token scoped down to `role`: the scope, not the owner's role, is what counts. */
async function personalTokenFor(tenantId: string, role: TenantRole, name: string): Promise<Caller> {
  const owner = await sessionFor(tenantId, 'owner', name);
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
  const issued = await owner.request('POST', `${V1}/me/tokens`, { tenantId, role, expiresAt });
  expect(issued.status).toBe(201);
  return gw.admin.as(issued.body.token);
}

/** The route's path with tenant A's resources filled in. */
function pathOf(route: RouteDef): string {
  const first = route.path.split('/')[1] === 'ai' ? route.path.split('/')[2]! : route.path.split('/')[1]!;
  const byCollection: Record<string, string> = {
    tenants: ids.tenant!,
    apis: ids.api!,
    catalog: ids.api!,
    plans: ids.plan!,
    apps: ids.app!,
    subscriptions: ids.sub!,
    providers: ids.provider!,
    models: ids.model!,
    budgets: ids.budget!,
    webhooks: ids.webhook!,
    me: 'tok_none',
    users: ids.user!,
  };
  return (
    V1 +
    route.path
      .replace(':keyId', ids.key!)
      .replace(':clientId', 'cli_none')
      .replace(':deliveryId', '1')
      .replace(':tokenId', ids.token!)
      .replace(':userId', ids.user!)
      .replace(':id', () => byCollection[first] ?? 'unmapped')
  );
}

const call = (client: Caller, route: RouteDef) =>
  client.request(
    route.method.toUpperCase(),
    pathOf(route),
    route.body || route.method === 'post' ? (sampleBodies[route.operationId] ?? {}) : undefined,
  );

/** Every route answers tenant A's `role` token the exact 403, and the store is unchanged afterwards. */
async function expectRefusedAll(routes: readonly RouteDef[], role: 'viewer' | 'developer'): Promise<void> {
  const before = await storeState(gw.store);
  for (const route of routes) {
    const needed =
      route.role === 'platform' ? 'platform admin role' : `${route.role} role (the caller is ${role})`;
    expectProblem(
      await call(as[`a-${role}`]!, route),
      403,
      'forbidden',
      `this operation needs the ${needed}`,
    );
  }
  expect(await storeState(gw.store)).toEqual(before);
}

beforeAll(async () => {
  gw = await startTestGateway();
  const a = await gw.admin.ok('POST', `${V1}/tenants`, { name: 'perm-a' });
  const b = await gw.admin.ok('POST', `${V1}/tenants`, { name: 'perm-b' });
  ids.tenant = a.id;
  for (const role of ['viewer', 'developer', 'maintainer', 'owner'] as const) {
    const t = await tokenFor(a.id, role);
    callers.token[`a-${role}`] = t.client;
    if (role === 'viewer') ids.token = t.id;
  }
  callers.token['b-maintainer'] = (await tokenFor(b.id, 'maintainer')).client;
  for (const role of ['viewer', 'developer'] as const) {
    callers.session[`a-${role}`] = await sessionFor(a.id, role, `a-${role}`);
  }
  callers.session['b-maintainer'] = await sessionFor(b.id, 'maintainer', 'b-maintainer');
  for (const role of ['viewer', 'developer'] as const) {
    callers['personal token'][`a-${role}`] = await personalTokenFor(a.id, role, `pat-a-${role}`);
  }
  callers['personal token']['b-maintainer'] = await personalTokenFor(b.id, 'maintainer', 'pat-b-maintainer');
  const owner = callers.token['a-owner'] as AdminClient;
  ids.api = (await owner.ok('POST', `${V1}/apis`, restApi({ basePath: '/perm', approval: 'manual' }))).id;
  await owner.ok('POST', `${V1}/apis/${ids.api}/publish`);
  await owner.ok('PUT', `${V1}/apis/${ids.api}/spec`, sampleBodies.putApiSpec);
  ids.plan = (await owner.ok('POST', `${V1}/apis/${ids.api}/plans`, { name: 'basic' })).id;
  ids.app = (await owner.ok('POST', `${V1}/apps`, { name: 'perm-app' })).id;
  ids.key = (await owner.ok('POST', `${V1}/apps/${ids.app}/keys`, {})).id;
  ids.sub = (
    await owner.ok('POST', `${V1}/subscriptions`, { appId: ids.app, apiId: ids.api, planId: ids.plan })
  ).id;
  ids.provider = (
    await owner.ok('POST', `${V1}/ai/providers`, {
      name: 'perm-provider',
      type: 'openai',
      baseUrl: 'http://127.0.0.1:9',
      keys: [{ key: 'sk-perm-provider-key', priority: 0 }],
    })
  ).id;
  ids.model = (
    await owner.ok('POST', `${V1}/ai/models`, {
      name: 'perm-model',
      providerId: ids.provider,
      upstreamModel: 'gpt-x',
      inputPricePer1k: 0,
      outputPricePer1k: 0,
    })
  ).id;
  ids.user = (
    await gw.admin.ok('POST', `${V1}/users`, {
      email: 'perm@example.test',
      displayName: 'Perm',
      memberships: [{ tenantId: a.id, role: 'viewer' }],
    })
  ).user.id;
  ids.budget = (
    await owner.ok('POST', `${V1}/ai/budgets`, { scope: 'app', scopeId: ids.app, usdPerDay: 5 })
  ).id;
  ids.webhook = (
    await owner.ok('POST', `${V1}/webhooks`, {
      name: 'ops',
      url: 'https://hooks.example.test/gateway',
      events: ['subscription.requested'],
    })
  ).id;
});
afterAll(() => gw.stop());

describe('route declarations', () => {
  it('give every write a role above viewer, and the permission table in docs is the generated one', () => {
    expect(writes.length).toBeGreaterThan(20);
    expect(writes.filter((r) => roleRank(r.role) <= roleRank('viewer')).map((r) => r.operationId)).toEqual(
      [],
    );
    const doc = readFileSync(new URL('../../../docs/admin-api.md', import.meta.url), 'utf8');
    expect(doc).toContain(permissionTable(adminRoutes));
  });
});

describe.each(['token', 'session', 'personal token'] as const)(
  'roles on every admin route, as a %s',
  (kind) => {
    beforeAll(() => {
      as = callers[kind];
    });

    it('answers a tenant viewer 403 on every write, and changes nothing', async () => {
      await expectRefusedAll(writes, 'viewer');
    });

    it('lets a tenant viewer read every route it may, its own tenant included', async () => {
      for (const route of guarded.filter((r) => r.method === 'get' && r.role === 'viewer')) {
        const reply = await call(as['a-viewer']!, route);
        expect({ op: route.operationId, status: reply.status }).toEqual({
          op: route.operationId,
          status: 200,
        });
      }
    });

    it('answers a developer 403 on every maintainer, owner and platform route: a developer cannot approve', async () => {
      const above = guarded.filter((r) => roleRank(r.role) > roleRank('developer'));
      expect(above.map((r) => r.operationId)).toContain('approveSubscription');
      await expectRefusedAll(above, 'developer');
      const sub = await gw.admin.ok('GET', `${V1}/subscriptions/${ids.sub}`);
      expect(sub.status).toBe('pending');
    });

    it("shows a maintainer of tenant B nothing of tenant A: 404 on every route naming A's resources", async () => {
      const before = await storeState(gw.store);
      const b = as['b-maintainer']!;
      let checked = 0;
      for (const route of guarded) {
        // A person's own account (sessions, personal tokens) is theirs to use: people/session.test.ts.
        if (route.role === 'self' && kind !== 'token') continue;
        if (route.role === 'self' || roleRank(route.role) > roleRank('maintainer')) {
          expect((await call(b, route)).status).toBe(403);
        } else if (route.path.includes(':')) {
          const reply = await call(b, route);
          expect({ op: route.operationId, status: reply.status, code: reply.body?.code }).toEqual({
            op: route.operationId,
            status: 404,
            code: 'not_found',
          });
          checked++;
        } else if (route.method === 'get') {
          const reply = await call(b, route);
          expect(reply.status).toBe(200);
          const text = JSON.stringify(reply.body);
          for (const id of Object.values(ids)) expect(text).not.toContain(id);
        }
      }
      expect(checked).toBeGreaterThan(20);
      expect(guarded.map(pathOf).filter((p) => p.includes('unmapped') || p.includes(':'))).toEqual([]);
      expect(await storeState(gw.store)).toEqual(before);
    });
  },
);

describe('the platform token', () => {
  it('passes every role check, and sees every token of a tenant, personal ones scoped to it included', async () => {
    expect(ADMIN_TOKEN.length).toBeGreaterThan(0);
    const reply = await gw.admin.request('GET', `${V1}/tenants/${ids.tenant}/tokens`);
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((t: { role: string }) => t.role)).toEqual([
      'viewer',
      'developer',
      'maintainer',
      'owner',
      'viewer',
      'developer',
    ]);
  });
});
