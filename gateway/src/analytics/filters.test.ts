// Call-log and usage filters on both stores: by request id, subscription, method, path prefix and status
// range; usage by API and by app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, V1 } from '../test-support/admin-fixtures.js';
import {
  type Echo,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';
import { storeKinds, type TestDatabase, testDatabase } from '../test-support/stores.js';

describe.each(storeKinds)('log and usage filters on %s', (kind) => {
  let db: TestDatabase;
  let echo: Echo;
  let gw: TestGateway;
  let one: Seeded;
  let two: Seeded;

  beforeAll(async () => {
    echo = await startEcho();
    db = await testDatabase(kind);
    gw = await startTestGateway({ DATABASE_URL: db.url, CALL_LOG_FLUSH_MS: 50 });
    one = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/one', approval: 'auto' });
    two = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/two', approval: 'auto' });
    const calls: [Seeded, string, string][] = [
      [one, 'GET', '/one/status/200'],
      [one, 'POST', '/one/status/201'],
      [one, 'GET', '/one/status/404'],
      [one, 'DELETE', '/one/status/503'],
      [two, 'GET', '/two/status/200'],
      [two, 'GET', '/two/other/x'],
    ];
    for (const [s, method, path] of calls) {
      const res = await fetch(`${gw.url}${path}`, { method, headers: { 'x-api-key': s.key } });
      await res.arrayBuffer();
    }
    // The call log is written in batches; wait until all six are in.
    for (let i = 0; i < 200 && (await gw.admin.ok('GET', `${V1}/logs`)).items.length < 6; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    await gw?.stop();
    await db?.drop();
    await echo?.close();
  });

  const paths = async (query: string) =>
    (await gw.admin.ok('GET', `${V1}/logs?${query}`)).items.map((r: { path: string }) => r.path).sort();

  it('filters logs by subscription, method, path prefix, status range and request id', async () => {
    expect(await paths(`subscriptionId=${two.subscriptionId}`)).toEqual(['/two/other/x', '/two/status/200']);
    expect(await paths('method=post')).toEqual(['/one/status/201']);
    expect(await paths('pathPrefix=/two/st')).toEqual(['/two/status/200']);
    expect(await paths('pathPrefix=%25')).toEqual([]);
    expect(await paths('statusMin=400&statusMax=599')).toEqual(['/one/status/404', '/one/status/503']);
    expect(await paths(`statusMin=201&statusMax=404&apiId=${one.apiId}`)).toEqual([
      '/one/status/201',
      '/one/status/404',
    ]);
    const some = (await gw.admin.ok('GET', `${V1}/logs?limit=1`)).items[0];
    expect(
      (await gw.admin.ok('GET', `${V1}/logs?requestId=${some.requestId}`)).items.map(
        (r: { id: number }) => r.id,
      ),
    ).toEqual([some.id]);
    expectProblem(
      await gw.admin.request('GET', `${V1}/logs?statusMin=500&statusMax=400`),
      400,
      'validation_failed',
      'invalid request: query.statusMin',
      {
        errors: [{ in: 'query', field: 'statusMin', message: 'must not be above statusMax' }],
      },
    );
  });

  it('filters usage by API and by app', async () => {
    const calls = async (query: string) =>
      (await gw.admin.ok('GET', `${V1}/usage?groupBy=api&interval=day&${query}`)).items.reduce(
        (n: number, r: { calls: number }) => n + r.calls,
        0,
      );
    expect(await calls('')).toBe(6);
    expect(await calls(`apiId=${one.apiId}`)).toBe(4);
    expect(await calls(`appId=${two.appId}`)).toBe(2);
    expect(await calls(`apiId=${one.apiId}&appId=${two.appId}`)).toBe(0);
  });
});
