// Everyday commands against a real gateway process: lists in each format, subscription actions, keys,
// profiles and exit codes; and the installed bin itself.
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CliGateway, cli, startGatewayProcess } from './test/cli-fixture.js';

const V1 = '/admin/v1';
let gw: CliGateway;
let ids: { api: string; app: string; sub: string };
const profileEnv = { GATEWAY_KIT_CONFIG: join(mkdtempSync(join(tmpdir(), 'gk-prof-')), 'config.json') };

beforeAll(async () => {
  gw = await startGatewayProcess();
  const t = await gw.admin.ok('POST', `${V1}/tenants`, { name: 'acme' });
  const api = await gw.admin.ok('POST', `${V1}/apis`, {
    tenantId: t.id,
    name: 'Orders',
    basePath: '/orders',
    targets: [{ url: 'http://127.0.0.1:9000' }],
  });
  await gw.admin.ok('POST', `${V1}/apis/${api.id}/publish`, {});
  const plan = await gw.admin.ok('POST', `${V1}/apis/${api.id}/plans`, { name: 'basic' });
  const app = await gw.admin.ok('POST', `${V1}/apps`, { tenantId: t.id, name: 'web' });
  const sub = await gw.admin.ok('POST', `${V1}/subscriptions`, {
    appId: app.id,
    apiId: api.id,
    planId: plan.id,
  });
  ids = { api: api.id, app: app.id, sub: sub.id };
});
afterAll(() => gw?.proc.stop());

it('lists as a table, JSON or YAML, with filters', async () => {
  const table = await cli([...gw.flags, 'apis', 'list']);
  expect(table).toEqual({
    code: 0,
    err: '',
    out: `ID${' '.repeat(ids.api.length - 2)}  NAME    KIND  BASEPATH  STATUS     AUTH  VISIBILITY\n${ids.api}  Orders  rest  /orders   published  key   private\n`,
  });
  const json = await cli([...gw.flags, '-o', 'json', 'subscriptions', 'list', '--status', 'pending']);
  expect(JSON.parse(json.out)).toMatchObject([{ id: ids.sub, status: 'pending', appId: ids.app }]);
  const yaml = await cli([...gw.flags, '-o', 'yaml', 'apps', 'show', ids.app]);
  expect(parse(yaml.out)).toMatchObject({ id: ids.app, name: 'web' });
  const none = await cli([...gw.flags, 'subscriptions', 'list', '--status', 'revoked']);
  expect(none.out).toBe('nothing found\n');
});

it('acts on subscriptions and keys; a key secret is shown once', async () => {
  const approved = await cli([
    ...gw.flags,
    '-o',
    'json',
    'subscriptions',
    'approve',
    ids.sub,
    '--comment',
    'ok',
  ]);
  expect(approved.code).toBe(0);
  expect(JSON.parse(approved.out)).toMatchObject({ id: ids.sub, status: 'approved', comment: 'ok' });
  const again = await cli([...gw.flags, 'subscriptions', 'approve', ids.sub]);
  expect(again.code).toBe(1);
  expect(again.err).toBe(
    `error: POST /admin/v1/subscriptions/${ids.sub}/approve → 409 illegal_transition: cannot approve a subscription that is approved\n`,
  );
  const key = JSON.parse(
    (await cli([...gw.flags, '-o', 'json', 'keys', 'create', '--app', ids.app, '--name', 'ci'])).out,
  );
  expect(key.key).toMatch(new RegExp(`^${key.prefix}\\.`));
  const call = await fetch(`${gw.proc.url}/orders/x`, { headers: { 'x-api-key': key.key } });
  expect(call.status).not.toBe(401);
  const listed = JSON.parse((await cli([...gw.flags, '-o', 'json', 'keys', 'list', '--app', ids.app])).out);
  expect(listed).toEqual([expect.objectContaining({ id: key.id, name: 'ci', revokedAt: null })]);
  expect(JSON.stringify(listed)).not.toContain(key.key);
  expect(await cli([...gw.flags, 'keys', 'revoke', key.id, '--app', ids.app])).toEqual({
    code: 0,
    out: `revoked ${key.id}\n`,
    err: '',
  });
});

it('logs in, keeps the token in a file only its owner reads, and uses the profile', async () => {
  const notYet = await cli(['apis', 'list'], {
    ...profileEnv,
    GATEWAY_URL: undefined,
    GATEWAY_TOKEN: undefined,
  });
  expect(notYet.code).toBe(2);
  expect(notYet.err).toMatch(/^error: not logged in: run `gateway-kit login/);
  const bad = await cli(['login', '--url', gw.proc.url, '--token', 'wrong-token-0123456789'], profileEnv);
  expect(bad.code).toBe(1);
  expect(bad.err).toContain('→ 401');
  const login = await cli(
    ['login', '--url', gw.proc.url, '--token', gw.flags[3]!, '--name', 'local'],
    profileEnv,
  );
  expect(login.code).toBe(0);
  expect(statSync(profileEnv.GATEWAY_KIT_CONFIG).mode & 0o777).toBe(0o600);
  const status = await cli(['-o', 'json', 'status'], profileEnv);
  expect(JSON.parse(status.out)).toEqual({
    url: gw.proc.url,
    ready: true,
    caller: 'platform',
    tenants: 1,
    apis: 1,
    apps: 1,
  });
});

it('exits 2 on bad usage and 1 when the gateway cannot be reached', async () => {
  expect((await cli(['frobnicate'])).code).toBe(2);
  expect((await cli([...gw.flags, '-o', 'xml', 'apis', 'list'])).err).toBe(
    'error: --output must be one of table, json, yaml\n',
  );
  const down = await cli(['--url', 'http://127.0.0.1:9', '--token', 'x', 'apis', 'list']);
  expect(down.code).toBe(1);
  expect(down.err).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:9: /);
});

it('runs as an installed bin (npx gateway-kit), with help and a completion script', async () => {
  const run = promisify(execFile);
  const bin = new URL('../bin/gateway-kit.js', import.meta.url).pathname;
  const help = await run(process.execPath, [bin, 'apply', '--help']);
  expect(help.stdout).toContain('Usage: gateway-kit apply [options]');
  expect(help.stdout).toContain('--prune');
  const completion = await run(process.execPath, [bin, 'completion', 'bash']);
  expect(completion.stdout).toContain('complete -F _gateway_kit gateway-kit');
  expect(completion.stdout).toContain('subscriptions) opts="list show approve reject suspend resume revoke');
  const failing = await run(process.execPath, [bin, 'nope']).catch(
    (e: { code: number; stderr: string }) => e,
  );
  expect(failing).toMatchObject({ code: 2 });
}, 120_000);
