// The first admin without a default password: the ADMIN_TOKEN holder creates them with the CLI, they set their
// own password through the one-time link and sign in — against a real gateway process.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exitCodes } from './errors.js';
import { type CliGateway, cli, startGatewayProcess } from './test/cli-fixture.js';

const V1 = '/admin/v1';
let gw: CliGateway;
let tenantId: string;

beforeAll(async () => {
  gw = await startGatewayProcess();
  tenantId = (await gw.admin.ok('POST', `${V1}/tenants`, { name: 'people' })).id;
});
afterAll(() => gw?.proc.stop());

const post = (path: string, body: unknown) =>
  fetch(gw.proc.url + V1 + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('creates the first platform admin, who sets a password through the link and signs in', async () => {
  const created = await cli([
    ...gw.flags,
    'users',
    'create',
    '--email',
    'Root@Example.test',
    '--name',
    'Root',
    '--platform-admin',
    '--member',
    `${tenantId}:owner`,
  ]);
  expect([created.code, created.err]).toEqual([0, '']);
  const link = /^(http\S+#invite=(\S+))$/m.exec(created.out);
  expect(created.out).toContain('Send them this one-time link (valid 7 days) to set a password:');
  expect(created.out).toMatch(/^ID\s+EMAIL\s+DISPLAYNAME\s+STATUS\s+PLATFORMADMIN\s+MEMBERSHIPS\n/);
  expect(created.out).toContain('root@example.test  Root         invited  true');

  const password = 'a long enough password';
  expect((await post('/invitations/accept', { token: link![2], password })).status).toBe(201);
  const signedIn = await post('/session', { email: 'root@example.test', password });
  expect(signedIn.status).toBe(201);
  expect(((await signedIn.json()) as { user: unknown }).user).toMatchObject({
    email: 'root@example.test',
    status: 'active',
    platformAdmin: true,
    memberships: [{ tenantId, role: 'owner' }],
  });

  const listed = await cli([...gw.flags, '-o', 'json', 'users', 'list']);
  expect(JSON.parse(listed.out)).toMatchObject([{ email: 'root@example.test', status: 'active' }]);
});

it('refuses a malformed --member before calling the gateway', async () => {
  const bad = await cli([
    ...gw.flags,
    'users',
    'create',
    '--email',
    'x@example.test',
    '--member',
    'ten_x:admin',
  ]);
  expect(bad).toEqual({
    code: exitCodes.usage,
    out: '',
    err: 'error: --member must be <tenant id>:<viewer|developer|maintainer|owner>, got ten_x:admin\n',
  });
});
