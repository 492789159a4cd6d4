// The audit log on both stores: every admin write is one entry (who, what, before/after with secrets redacted,
// when, from where), failed writes leave none, tenants see only their own, filters and pages work.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminFixture,
  expectProblem,
  restApi,
  startOn,
  type TenantHandle,
  tenantWithToken,
  V1,
} from '../test-support/admin-fixtures.js';
import { storeKinds } from '../test-support/stores.js';

describe.each(storeKinds)('audit log on %s', (kind) => {
  let fx: AdminFixture;
  let a: TenantHandle;
  let b: TenantHandle;
  let apiId: string;
  let issuedKey: string;
  let keyId: string;
  let appId: string;

  beforeAll(async () => {
    fx = await startOn(kind);
    a = await tenantWithToken(fx.admin, 'audit-a');
    b = await tenantWithToken(fx.admin, 'audit-b');
    apiId = (await a.client.ok('POST', `${V1}/apis`, restApi({ basePath: '/audited' }))).id;
    await a.client.ok('PATCH', `${V1}/apis/${apiId}`, { name: 'renamed' });
    appId = (await a.client.ok('POST', `${V1}/apps`, { name: 'audited-app' })).id;
    const key = await a.client.ok('POST', `${V1}/apps/${appId}/keys`, { name: 'prod' });
    issuedKey = key.key;
    keyId = key.id;
    await b.client.ok('POST', `${V1}/apps`, { name: 'b-app' });
  });
  afterAll(() => fx.close());

  it('records a patch with who, what, before and after, when and from where', async () => {
    const reply = await fx.admin.request('GET', `${V1}/audit?action=updateApi`);
    expect(reply.status).toBe(200);
    expect(reply.body.nextCursor).toBeNull();
    expect(reply.body.items).toHaveLength(1);
    const entry = reply.body.items[0];
    expect(entry).toEqual({
      id: expect.any(Number),
      ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      actor: { kind: 'tenant-token', id: expect.stringMatching(/^tok_/), label: null, tenantId: a.id },
      action: 'updateApi',
      method: 'PATCH',
      path: `${V1}/apis/${apiId}`,
      target: { type: 'api', id: apiId },
      tenantId: a.id,
      appTenantId: null,
      before: expect.objectContaining({ id: apiId, name: 'orders', status: 'draft' }),
      after: expect.objectContaining({ id: apiId, name: 'renamed', status: 'draft' }),
      ip: expect.stringMatching(/127\.0\.0\.1$/),
      requestId: expect.any(String),
    });
  });

  it('redacts issued keys and tokens, in the API and in the store', async () => {
    const reply = await fx.admin.request('GET', `${V1}/audit?action=issueKey`);
    expect(reply.body.items).toHaveLength(1);
    expect(reply.body.items[0]).toMatchObject({
      actor: { kind: 'tenant-token', tenantId: a.id },
      target: { type: 'key', id: keyId },
      tenantId: a.id,
      appTenantId: a.id,
      before: null,
      after: { id: keyId, appId, name: 'prod', key: '[redacted]' },
    });
    const tokens = await fx.admin.request('GET', `${V1}/audit?action=issueTenantToken&tenantId=${a.id}`);
    expect(tokens.body.items).toHaveLength(1);
    expect(tokens.body.items[0].actor).toEqual({
      kind: 'platform',
      id: null,
      label: 'platform token',
      tenantId: null,
    });
    expect(tokens.body.items[0].after.token).toBe('[redacted]');
    const rows = await sql<{
      t: string;
    }>`select before || ' ' || after as t from audit_log where after is not null`.execute(
      fx.gateway.ctx.store.db,
    );
    const all = rows.rows.map((r) => r.t).join('\n');
    expect(all).not.toContain(issuedKey);
    expect(all).not.toContain(a.token);
  });

  it('records deletions with the state before, and nothing for a write that failed', async () => {
    const before = (await fx.admin.ok('GET', `${V1}/audit?limit=500`)).items.length;
    const conflict = await a.client.request('POST', `${V1}/apis`, restApi({ basePath: '/audited' }));
    expect(conflict.status).toBe(409);
    expect((await fx.admin.ok('GET', `${V1}/audit?limit=500`)).items.length).toBe(before);
    const app = await a.client.ok('POST', `${V1}/apps`, { name: 'short-lived' });
    expect((await a.client.request('DELETE', `${V1}/apps/${app.id}`)).status).toBe(204);
    const deleted = await a.client.ok('GET', `${V1}/audit?targetId=${app.id}`);
    expect(deleted.items.map((e: any) => [e.action, e.before?.name ?? null, e.after?.name ?? null])).toEqual([
      ['deleteApp', 'short-lived', null],
      ['createApp', null, 'short-lived'],
    ]);
  });

  it('is tenant-scoped: a tenant sees its own entries only', async () => {
    const seenByB = await b.client.ok('GET', `${V1}/audit?limit=500`);
    expect(seenByB.items.map((e: any) => e.action)).toEqual([
      'createApp',
      'issueTenantToken',
      'createTenant',
    ]);
    for (const e of seenByB.items) expect([e.tenantId, e.appTenantId, e.actor.tenantId]).toContain(b.id);
    expect(seenByB.items.some((e: any) => e.target.id === apiId)).toBe(false);
    const seenByA = await a.client.ok('GET', `${V1}/audit?targetId=${apiId}`);
    expect(seenByA.items.map((e: any) => e.action)).toEqual(['updateApi', 'createApi']);
    // Naming another tenant narrows, it never widens.
    expect((await b.client.ok('GET', `${V1}/audit?tenantId=${a.id}`)).items).toEqual([]);
  });

  it('pages with limit and cursor, newest first, and refuses what it does not know', async () => {
    const all = (await fx.admin.ok('GET', `${V1}/audit?limit=500`)).items.map((e: any) => e.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await fx.admin.ok('GET', `${V1}/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e: any) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect([...all].sort((x, y) => y - x)).toEqual(all);
    expectProblem(
      await fx.admin.request('GET', `${V1}/audit?colour=red`),
      400,
      'validation_failed',
      'invalid request: query.colour',
      {
        errors: [{ in: 'query', field: 'colour', message: 'unknown field' }],
      },
    );
    expectProblem(
      await fx.admin.request('GET', `${V1}/audit?cursor=nope`),
      400,
      'validation_failed',
      'invalid request: query.cursor',
      {
        errors: [{ in: 'query', field: 'cursor', message: 'is not one this API returned' }],
      },
    );
  });
});
