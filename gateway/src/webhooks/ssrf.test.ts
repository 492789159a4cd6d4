// The outbound guard applied to webhooks: without UPSTREAM_ALLOW, a URL naming a private, loopback or metadata
// address is a 400 naming the field; a name that only resolves to one is refused when the socket connects, the
// delivery failing at once with the reason (no retries, nothing sent).
import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, type TenantHandle, tenantWithToken, V1 } from '../test-support/admin-fixtures.js';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';
import { eventually, Receiver } from '../test-support/webhook-receiver.js';
import { NOT_PUBLIC } from './address-guard.js';

const fakeDns = ((name: string, _o: unknown, callback: (e: Error | null, a: LookupAddress[]) => void) => {
  if (name === 'hooks.test') callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(Object.assign(new Error(`not found: ${name}`), { code: 'ENOTFOUND' }), []);
}) as unknown as typeof dnsLookup;

let gw: TestGateway;
let receiver: Receiver;
let t: TenantHandle;

beforeAll(async () => {
  gw = await startTestGateway({ WEBHOOK_POLL_MS: 20 }, { resolve: fakeDns });
  receiver = await new Receiver().start();
  t = await tenantWithToken(gw.admin, 'ssrf');
});
afterAll(async () => {
  await gw?.stop();
  await receiver?.stop();
});

const create = (url: string) =>
  t.client.request('POST', `${V1}/webhooks`, { name: `h-${Math.random()}`, url, events: ['webhook.test'] });

it('refuses private, loopback and metadata URLs when written', async () => {
  for (const url of [
    receiver.url,
    'http://10.1.2.3/hook',
    'http://192.168.0.10/hook',
    'http://[::1]:8080/hook',
    'http://[fd12::1]/hook',
    'http://localhost:8080/hook',
    'http://2130706433/hook',
  ]) {
    expectProblem(await create(url), 400, 'validation_failed', 'invalid request: body.url', {
      errors: [{ in: 'body', field: 'url', message: NOT_PUBLIC }],
    });
  }
  expectProblem(
    await create('http://169.254.169.254/latest/meta-data'),
    400,
    'validation_failed',
    'invalid request: body.url',
    {
      errors: [
        {
          in: 'body',
          field: 'url',
          message: 'link-local and cloud metadata addresses may not be upstream targets',
        },
      ],
    },
  );
  const ok = await t.client.ok('POST', `${V1}/webhooks`, {
    name: 'public',
    url: 'https://hooks.example.com/x',
    events: ['webhook.test'],
  });
  expectProblem(
    await t.client.request('PATCH', `${V1}/webhooks/${ok.id}`, { url: 'http://127.0.0.1:9/x' }),
    400,
    'validation_failed',
    'invalid request: body.url',
    { errors: [{ in: 'body', field: 'url', message: NOT_PUBLIC }] },
  );
});

it('refuses at connect time a name that resolves to loopback, without retrying', async () => {
  const created = await create(`http://hooks.test:${receiver.port}/hooks`);
  expect(created.status).toBe(201);
  await t.client.ok('POST', `${V1}/webhooks/${created.body.id}/test`);
  const [failed] = await eventually('the refused delivery', async () => {
    const { items } = await t.client.ok('GET', `${V1}/webhooks/${created.body.id}/deliveries`);
    return items[0]?.status === 'failed' ? items : undefined;
  });
  expect(failed).toMatchObject({
    attempts: 1,
    responseStatus: null,
    error: `refused: 127.0.0.1: ${NOT_PUBLIC}`,
  });
  expect(receiver.received).toEqual([]);
});
