// Issue 12, point 5: the call's request id is the gateway's own (it keys the call log and goes upstream); the
// X-Request-Id a client sends is kept as clientRequestId, logged and searchable, and is the call's id only when
// a proxy the operator trusts (TRUST_PROXY_HOPS) put it there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Echo,
  json,
  type Seeded,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let echo: Echo;
beforeAll(async () => {
  echo = await startEcho();
});
afterAll(() => echo?.close());

async function call(gw: TestGateway, s: Seeded, requestId: string) {
  const res = await fetch(`${gw.url}/rid/x`, { headers: { 'x-api-key': s.key, 'x-request-id': requestId } });
  expect(res.status).toBe(200);
  const seen = await json(res);
  await gw.callLog.flushOnce();
  return { id: res.headers.get('x-request-id'), upstream: seen.headers['x-request-id'] as string };
}

const logs = async (gw: TestGateway, query: string) =>
  (await gw.admin.ok('GET', `/admin/v1/logs?${query}`)).items.map((i: Record<string, unknown>) => [
    i.requestId,
    i.clientRequestId,
  ]);

describe('without a trusted proxy', () => {
  let gw: TestGateway;
  let s: Seeded;
  beforeAll(async () => {
    gw = await startTestGateway();
    s = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/rid' });
  });
  afterAll(() => gw?.stop());

  it("a client's id is kept as clientRequestId; the call's id, answered and sent upstream, is the gateway's", async () => {
    const first = await call(gw, s, 'client-7');
    expect(first.id).toMatch(UUID);
    expect(first.upstream).toBe(first.id);
    // Two calls sending the same id stay two calls, each with its own id.
    const second = await call(gw, s, 'client-7');
    expect(second.id).toMatch(UUID);
    expect(second.id).not.toBe(first.id);
    expect(await logs(gw, 'clientRequestId=client-7')).toEqual([
      [second.id, 'client-7'],
      [first.id, 'client-7'],
    ]);
    expect(await logs(gw, `requestId=${first.id}`)).toEqual([[first.id, 'client-7']]);
    expect(await logs(gw, 'requestId=client-7')).toEqual([]);
  });

  it('a malformed client id is not kept', async () => {
    const { id } = await call(gw, s, 'bad id!');
    expect(id).toMatch(UUID);
    expect(await logs(gw, `requestId=${id}`)).toEqual([[id, null]]);
  });
});

describe('behind a trusted proxy (TRUST_PROXY_HOPS=1)', () => {
  let gw: TestGateway;
  let s: Seeded;
  beforeAll(async () => {
    gw = await startTestGateway({ TRUST_PROXY_HOPS: 1 });
    s = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/rid' });
  });
  afterAll(() => gw?.stop());

  it("the proxy's id is the call's id", async () => {
    const { id, upstream } = await call(gw, s, 'edge-42');
    expect([id, upstream]).toEqual(['edge-42', 'edge-42']);
    expect(await logs(gw, 'requestId=edge-42')).toEqual([['edge-42', 'edge-42']]);
  });
});
