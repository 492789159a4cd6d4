// export → apply → export round trips, idempotence, drift, bad files and partial failures, against real gateways.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { documentJsonSchema, envRef } from './declarative/schema.js';
import { type CliGateway, cli, startGatewayProcess } from './test/cli-fixture.js';

const V1 = '/admin/v1';
let a: CliGateway;
let b: CliGateway;
const dir = mkdtempSync(join(tmpdir(), 'gk-files-'));
const JWT_SECRET = 'a-shared-secret-of-at-least-32-chars-WXYZ';
const providerEnv = {
  PAYMENTS_OPENAI_KEY_1: 'sk-test-aaaa1111',
  PAYMENTS_OPENAI_KEY_2: 'sk-test-bbbb2222',
  PAYMENTS_OPS_WEBHOOK_SECRET: 'whsec-test-0123456789abcdef0123456789-wxyz',
  PAYMENTS_BACKUP_KEY_1: 'sk-test-cccc3333',
  PAYMENTS_LATER_JWT_SHAREDSECRET: JWT_SECRET,
};

/** A varied configuration made the imperative way: what a team has before it adopts files. */
async function seed(gw: CliGateway) {
  const ok = (m: string, p: string, body?: unknown) => gw.admin.ok(m, V1 + p, body);
  const payments = await ok('POST', '/tenants', {
    name: 'payments',
    limits: { quota: { requestsPerDay: 5000 } },
  });
  const shop = await ok('POST', '/tenants', { name: 'shop' });
  const provider = await ok('POST', '/ai/providers', {
    tenantId: payments.id,
    name: 'openai',
    type: 'openai',
    baseUrl: 'http://127.0.0.1:9/v1',
    keys: [
      { key: providerEnv.PAYMENTS_OPENAI_KEY_1, priority: 0 },
      { key: providerEnv.PAYMENTS_OPENAI_KEY_2, priority: 1 },
    ],
  });
  const backup = await ok('POST', '/ai/providers', {
    tenantId: payments.id,
    name: 'backup',
    type: 'anthropic',
    baseUrl: 'http://127.0.0.1:9/v1',
    keys: [{ key: providerEnv.PAYMENTS_BACKUP_KEY_1, priority: 0 }],
  });
  const small = await ok('POST', '/ai/models', {
    tenantId: payments.id,
    name: 'small',
    providerId: provider.id,
    upstreamModel: 'mini',
  });
  await ok('POST', '/ai/models', {
    tenantId: payments.id,
    name: 'org/big',
    providerId: provider.id,
    upstreamModel: 'large',
    inputPricePer1k: 0.5,
    fallbackModelId: small.id,
    routing: 'least-busy',
    deployments: [{ providerId: backup.id, upstreamModel: 'large-2', weight: 2 }],
  });
  const echo = await ok('POST', '/apis', {
    tenantId: payments.id,
    name: 'Echo',
    basePath: '/echo',
    visibility: 'public',
    targets: [{ url: 'http://127.0.0.1:9000', weight: 3 }, { url: 'http://127.0.0.1:9001' }],
    timeoutMs: 5000,
  });
  await ok('POST', `/apis/${echo.id}/publish`, {});
  const gold = await ok('POST', `/apis/${echo.id}/plans`, {
    name: 'gold',
    rateLimit: { requestsPerSecond: 10, burst: 20 },
    quota: { requestsPerDay: 1000 },
  });
  await ok('POST', `/apis/${echo.id}/plans`, { name: 'free' });
  const draft = await ok('POST', '/apis', {
    tenantId: payments.id,
    name: 'Later',
    basePath: '/later',
    targets: [{ url: 'http://127.0.0.1:9000' }],
    auth: ['key', 'jwt'],
    settings: { jwt: { issuers: ['https://issuer.test'], audiences: ['later'], sharedSecret: JWT_SECRET } },
  });
  const checkout = await ok('POST', '/apps', { tenantId: payments.id, name: 'checkout' });
  const store = await ok('POST', '/apps', { tenantId: shop.id, name: 'storefront' });
  const sub = await ok('POST', '/subscriptions', { appId: checkout.id, apiId: echo.id, planId: gold.id });
  await ok('POST', `/subscriptions/${sub.id}/approve`, {});
  const cross = await ok('POST', '/subscriptions', { appId: store.id, apiId: echo.id, planId: gold.id });
  await ok('POST', `/subscriptions/${cross.id}/approve`, {});
  await ok('POST', `/subscriptions/${cross.id}/suspend`, {});
  // Only the test event, which nothing here raises: no delivery is attempted to the example host.
  const hook = await ok('POST', '/webhooks', {
    tenantId: payments.id,
    name: 'ops',
    url: 'https://hooks.example.com/gateway',
    events: ['webhook.test'],
    secret: providerEnv.PAYMENTS_OPS_WEBHOOK_SECRET,
  });
  return { echo, draft, sub, hook };
}

async function exported(gw: CliGateway, ...extra: string[]) {
  const r = await cli([...gw.flags, 'export', ...extra]);
  expect(r).toMatchObject({ code: 0, err: '' });
  return r.out;
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : stringify(content));
  return path;
}

beforeAll(async () => {
  [a, b] = await Promise.all([startGatewayProcess(), startGatewayProcess()]);
  await seed(a);
});
afterAll(async () => {
  await Promise.all([a?.proc.stop(), b?.proc.stop()]);
});

it('export → apply to an empty gateway → export gives the same document, and a second apply changes nothing', async () => {
  const first = await exported(a);
  const doc = parse(first);
  expect(doc.version).toBe(1);
  expect(doc.tenants).toEqual([
    { name: 'payments', limits: { quota: { requestsPerDay: 5000 } } },
    { name: 'shop' },
  ]);
  // Secrets never leave: provider keys and settings secrets become environment references.
  expect(first).not.toContain('sk-test');
  expect(first).not.toContain('WXYZ');
  const later = doc.apis.find((x: { name: string }) => x.name === 'Later');
  expect([later.auth, later.settings.jwt.sharedSecret]).toEqual([
    ['key', 'jwt'],
    envRef('PAYMENTS_LATER_JWT_SHAREDSECRET'),
  ]);
  expect(doc.aiProviders.find((p: { name: string }) => p.name === 'openai').keys).toEqual([
    { key: envRef('PAYMENTS_OPENAI_KEY_1'), priority: 0 },
    { key: envRef('PAYMENTS_OPENAI_KEY_2'), priority: 1 },
  ]);
  expect(doc.aiModels.map((m: { name: string; fallback?: string }) => [m.name, m.fallback ?? null])).toEqual([
    ['org/big', 'small'],
    ['small', null],
  ]);
  // Deployments name their providers, as models do.
  expect(doc.aiModels[0].deployments).toEqual([{ provider: 'backup', upstreamModel: 'large-2', weight: 2 }]);
  expect(doc.apps).toEqual([
    {
      tenant: 'payments',
      name: 'checkout',
      subscriptions: [{ api: 'Echo', plan: 'gold', status: 'approved' }],
    },
    {
      tenant: 'shop',
      name: 'storefront',
      subscriptions: [{ api: 'Echo', apiTenant: 'payments', plan: 'gold', status: 'suspended' }],
    },
  ]);

  expect(doc.webhooks).toEqual([
    {
      tenant: 'payments',
      name: 'ops',
      url: 'https://hooks.example.com/gateway',
      events: ['webhook.test'],
      enabled: true,
      secret: envRef('PAYMENTS_OPS_WEBHOOK_SECRET'),
    },
  ]);
  expect(first).not.toContain(providerEnv.PAYMENTS_OPS_WEBHOOK_SECRET);

  const path = file('state.yaml', first);
  const applied = await cli([...b.flags, 'apply', '-f', path], providerEnv);
  expect(applied.err).toBe('');
  expect(applied.code).toBe(0);
  // In dependency order: the fallback model before the model naming it, plans after their API.
  expect(applied.out).toBe(
    [
      '+ tenant payments',
      '+ tenant shop',
      '+ aiProvider payments/backup',
      '+ aiProvider payments/openai',
      '+ aiModel payments/small',
      // A `/` inside a name is escaped, so a key reads back to one tenant and one name.
      '+ aiModel payments/org%2Fbig',
      '+ api payments/Echo',
      '+ api payments/Later',
      '+ plan payments/Echo/free',
      '+ plan payments/Echo/gold',
      '+ app payments/checkout',
      '+ app shop/storefront',
      '+ subscription payments/checkout->payments/Echo',
      '+ subscription shop/storefront->payments/Echo',
      '+ webhook payments/ops',
      'applied 15 change(s)',
      '',
    ].join('\n'),
  );
  expect(await exported(b)).toBe(first);

  const again = await cli([...b.flags, 'apply', '-f', path], providerEnv);
  expect(again).toEqual({ code: 0, out: 'no changes\napplied 0 change(s)\n', err: '' });
  const diff = await cli([...b.flags, 'diff', '-f', path, '--exit-code'], providerEnv);
  expect(diff).toEqual({ code: 0, out: 'no changes\n', err: '' });
});

it('a drift made through the admin API shows in diff and is undone by apply', async () => {
  const path = file('drift.yaml', await exported(a));
  const apis = (await a.admin.ok('GET', `${V1}/apis`)).items as { id: string; name: string }[];
  const echo = apis.find((x) => x.name === 'Echo')!;
  await a.admin.ok('PATCH', `${V1}/apis/${echo.id}`, { timeoutMs: 999 });
  const subs = (await a.admin.ok('GET', `${V1}/subscriptions?status=approved`)).items as { id: string }[];
  await a.admin.ok('POST', `${V1}/subscriptions/${subs[0]!.id}/suspend`, {});
  const hooks = (await a.admin.ok('GET', `${V1}/webhooks`)).items as { id: string }[];
  await a.admin.ok('PATCH', `${V1}/webhooks/${hooks[0]!.id}`, { enabled: false });
  const rolled = await a.admin.ok('POST', `${V1}/webhooks/${hooks[0]!.id}/rotate-secret`, {});
  const hint = `…${(rolled.secret as string).slice(-4)}`;

  const diff = await cli([...a.flags, 'diff', '-f', path, '--exit-code'], providerEnv);
  expect(diff.code).toBe(3);
  expect(diff.out).toBe(
    '~ api payments/Echo\n    timeoutMs: 999 → 5000\n' +
      '~ subscription payments/checkout->payments/Echo\n    status: "suspended" → "approved"\n' +
      `~ webhook payments/ops\n    enabled: false → true\n    secretHint: "${hint}" → "…wxyz"\n`,
  );
  const json = await cli([...a.flags, '-o', 'json', 'diff', '-f', path], providerEnv);
  expect(JSON.parse(json.out).changes.map((c: { op: string; key: string }) => `${c.op} ${c.key}`)).toEqual([
    'update payments/Echo',
    'update payments/checkout->payments/Echo',
    'update payments/ops',
  ]);

  const applied = await cli([...a.flags, 'apply', '-f', path], providerEnv);
  expect(applied.code).toBe(0);
  expect(applied.out).toContain('applied 3 change(s)');
  expect((await a.admin.ok('GET', `${V1}/apis/${echo.id}`)).timeoutMs).toBe(5000);
  // The file's secret signs again; the rotated-out one beside it for the grace period.
  expect(await a.admin.ok('GET', `${V1}/webhooks/${hooks[0]!.id}`)).toMatchObject({
    enabled: true,
    secretHint: '…wxyz',
    previousSecretExpiresAt: expect.any(String),
  });
  expect((await a.admin.ok('GET', `${V1}/subscriptions/${subs[0]!.id}`)).status).toBe('approved');
  expect((await cli([...a.flags, 'diff', '-f', path], providerEnv)).out).toBe('no changes\n');
});

it('a bad file gets one error per problem, with its path, and nothing is applied', async () => {
  const before = await exported(b);
  const path = file('bad.yaml', {
    version: 1,
    tenants: [{ name: 'ops' }, { name: '' }],
    apis: [
      { tenant: 'ops', name: 'A', basePath: '/a', targets: [{ url: 'http://127.0.0.1:9000' }] },
      { tenant: 'ops', name: 'B', basePath: 'b', targets: [] },
      { tenant: 'ops', name: 'C', basePath: '/c', targets: [{ url: 'ftp://x' }], colour: 'red' },
    ],
    aiProviders: [
      {
        tenant: 'ops',
        name: 'p',
        type: 'openai',
        baseUrl: 'http://127.0.0.1:9/v1',
        keys: [{ key: 'sk-literal' }],
      },
    ],
  });
  const r = await cli([...b.flags, 'apply', '-f', path]);
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trim().split('\n')).toEqual([
    `error: ${path}: tenants[1].name: Too small: expected string to have >=1 characters`,
    `${path}: aiProviders[0].keys[0].key: secrets must be \${env:NAME} references, never literal values`,
    `${path}: apis[1].basePath: must start with /`,
    `${path}: apis[2].targets[0].url: must be an http:// or https:// URL`,
    `${path}: apis[2]: Unrecognized key: "colour"`,
  ]);
  expect(await exported(b)).toBe(before);
});

it('references that neither the files nor the gateway hold are refused before anything is sent', async () => {
  const before = await exported(b);
  const path = file('refs.yaml', {
    version: 1,
    tenants: [{ name: 'ops' }],
    apps: [{ tenant: 'ops', name: 'x', subscriptions: [{ api: 'Nope', plan: 'gold' }] }],
    apis: [{ tenant: 'ghost', name: 'G', basePath: '/g', targets: [{ url: 'http://127.0.0.1:9000' }] }],
  });
  const r = await cli([...b.flags, 'apply', '-f', path]);
  expect(r.code).toBe(2);
  expect(r.err.trim().split('\n')).toEqual([
    'error: api ghost/G: needs tenant ghost, which neither the files nor the gateway hold',
    'subscription ops/x->ops/Nope: needs api ops/Nope, which neither the files nor the gateway hold',
    'subscription ops/x->ops/Nope: needs plan ops/Nope/gold, which neither the files nor the gateway hold',
  ]);
  expect(await exported(b)).toBe(before);
});

it('a partial failure reports exactly what was applied, and a re-run after the fix completes', async () => {
  const path = file('partial.yaml', {
    version: 1,
    tenants: [{ name: 'late' }],
    apis: [
      // /echo belongs to payments' API: the gateway refuses this one after the tenant and the first API exist.
      { tenant: 'late', name: 'First', basePath: '/first', targets: [{ url: 'http://127.0.0.1:9000' }] },
      { tenant: 'late', name: 'Second', basePath: '/echo', targets: [{ url: 'http://127.0.0.1:9000' }] },
    ],
  });
  const r = await cli([...b.flags, 'apply', '-f', path]);
  expect(r.code).toBe(4);
  expect(r.out).toBe('+ tenant late\n+ api late/First\n');
  expect(r.err).toContain('apply stopped at create api late/Second: POST /admin/v1/apis → 409 conflict');
  expect(r.err).toContain('2 of 3 change(s) were applied');
  const doc = parse(readFileSync(path, 'utf8'));
  doc.apis[1].basePath = '/second';
  writeFileSync(path, stringify(doc));
  const fixed = await cli([...b.flags, 'apply', '-f', path]);
  expect(fixed).toEqual({ code: 0, out: '+ api late/Second\napplied 1 change(s)\n', err: '' });
});

it('--prune deletes what the files no longer hold, within the tenant it is scoped to', async () => {
  const full = parse(await exported(b, '--tenant', 'late'));
  expect(full.apis.map((x: { name: string }) => x.name)).toEqual(['First', 'Second']);
  full.apis = full.apis.filter((x: { name: string }) => x.name !== 'First');
  const path = file('prune.yaml', full);
  const without = await cli([...b.flags, 'diff', '-f', path, '--tenant', 'late']);
  expect(without.out).toBe('no changes\nnot in the files (kept; --prune deletes them): api late/First\n');
  const r = await cli([...b.flags, 'apply', '-f', path, '--tenant', 'late', '--prune']);
  expect(r).toEqual({ code: 0, out: '- api late/First\napplied 1 change(s)\n', err: '' });
  // Other tenants' objects were outside the scope and are untouched.
  expect(parse(await exported(b)).tenants.map((t: { name: string }) => t.name)).toEqual([
    'late',
    'payments',
    'shop',
  ]);
  const outside = await cli([
    ...b.flags,
    'apply',
    '-f',
    file('outside.yaml', { version: 1, tenants: [{ name: 'other' }] }),
    '--tenant',
    'late',
  ]);
  expect(outside.code).toBe(2);
  expect(outside.err).toBe('error: tenant other: outside the tenant late this apply is scoped to\n');
});

it('names holding `/` stay apart: tenant a/b with API c and tenant a with API b/c', async () => {
  const path = file('slashes.yaml', {
    version: 1,
    tenants: [{ name: 'a/b' }, { name: 'a' }],
    apis: [
      { tenant: 'a/b', name: 'c', basePath: '/ab-c', targets: [{ url: 'http://127.0.0.1:9000' }] },
      { tenant: 'a', name: 'b/c', basePath: '/a-bc', targets: [{ url: 'http://127.0.0.1:9000' }] },
    ],
  });
  const r = await cli([...b.flags, 'apply', '-f', path]);
  expect(r).toEqual({
    code: 0,
    out: '+ tenant a\n+ tenant a%2Fb\n+ api a/b%2Fc\n+ api a%2Fb/c\napplied 4 change(s)\n',
    err: '',
  });
  const again = await cli([...b.flags, 'diff', '-f', path, '--exit-code']);
  expect(again.code).toBe(0);
  expect(again.out.split('\n')[0]).toBe('no changes');
  const onlyAb = parse(await exported(b, '--tenant', 'a/b'));
  expect(onlyAb.tenants).toEqual([{ name: 'a/b' }]);
  expect(onlyAb.apis.map((x: { tenant: string; name: string }) => [x.tenant, x.name])).toEqual([
    ['a/b', 'c'],
  ]);
  const pruned = await cli([
    ...b.flags,
    'apply',
    '-f',
    file('slashes-pruned.yaml', { version: 1, tenants: [{ name: 'a/b' }] }),
    '--tenant',
    'a/b',
    '--prune',
  ]);
  expect(pruned).toEqual({ code: 0, out: '- api a%2Fb/c\napplied 1 change(s)\n', err: '' });
  const onlyA = parse(await exported(b, '--tenant', 'a'));
  expect(onlyA.apis.map((x: { tenant: string; name: string }) => [x.tenant, x.name])).toEqual([['a', 'b/c']]);
});

it('the committed JSON Schema is the one generated from the zod schemas', () => {
  const committed = JSON.parse(
    readFileSync(new URL('../schema/gateway-kit.schema.json', import.meta.url), 'utf8'),
  );
  expect(committed).toEqual(documentJsonSchema());
});
