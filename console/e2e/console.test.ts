// The console and the developer portal in a real Chromium against a real gateway: the owner signs in,
// creates and publishes an API with a plan, issues a developer token; the developer signs in to the portal,
// creates an app and a key, subscribes; the owner rejects one application with a reason and bulk-approves
// the other; the developer calls the API from try-it with the key; the call shows in the log explorer and
// its drawer, and the dashboard's request count moves. axe-core on every page.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { oneTimeLogin } from '../../gateway/src/admin/routes/login-links.js';
import {
  ADMIN_TOKEN,
  type Echo,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../../gateway/src/test-support/harness.js';
import { Receiver } from '../../gateway/src/test-support/webhook-receiver.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const consoleRoot = new URL('..', import.meta.url).pathname;
const shots = process.env.UPDATE_SCREENSHOTS
  ? new URL('../../docs/console/', import.meta.url).pathname
  : null;
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
let gw: TestGateway;
let echo: Echo;
let receiver: Receiver;
let browser: Browser;
let owner: Page;
let dev: Page;
let dist: string;

/** The Orders API's OpenAPI document, as its owner keeps it (YAML). */
const ordersSpec = `openapi: 3.1.0
info:
  title: Orders
  version: 1.0.0
paths:
  /hello:
    get:
      summary: Say hello
      parameters:
        - { name: from, in: query, schema: { type: string } }
      responses:
        '200':
          description: The request, echoed
`;

/** Serious and critical accessibility violations on the page as it is now (none expected). */
async function axe(p: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page: p }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
/** axe on the page, then its screenshot into docs/console/ when UPDATE_SCREENSHOTS is set. */
async function check(p: Page, name: string) {
  expect(await axe(p)).toEqual([]);
  if (shots) await p.screenshot({ path: `${shots}${name}.png`, fullPage: true });
}
/** Whatever the Content-Security-Policy refused on any page (nothing expected: the reference included). */
const refused: string[] = [];
const newPage = async () => {
  const page = await (
    await browser.newContext({
      viewport: { width: 1280, height: 860 },
      permissions: ['clipboard-read', 'clipboard-write'],
    })
  ).newPage();
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) refused.push(m.text());
  });
  return page;
};

beforeAll(async () => {
  // The real build, as `npm run build -w console` makes it (vite; the typed client is type-checked by npm test).
  // Into a directory of its own, served through CONSOLE_DIR: the demo may build console/dist meanwhile.
  dist = mkdtempSync(join(tmpdir(), 'gk-console-'));
  await promisify(execFile)(
    process.execPath,
    [
      new URL('../../node_modules/vite/bin/vite.js', import.meta.url).pathname,
      'build',
      '--outDir',
      dist,
      '--emptyOutDir',
    ],
    { cwd: consoleRoot },
  );
  if (shots) mkdirSync(shots, { recursive: true });
  [gw, echo, receiver] = await Promise.all([
    // Webhooks may go to the loopback receiver only when allowed (they must reach public hosts by default).
    startTestGateway({ CONSOLE_DIR: dist, UPSTREAM_ALLOW: '127.0.0.1' }),
    startEcho(),
    new Receiver().start(),
  ]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  [owner, dev] = await Promise.all([newPage(), newPage()]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all([gw?.stop(), echo?.close(), receiver?.stop()]);
  if (dist) rmSync(dist, { recursive: true, force: true });
});

it('serves the console and the portal under a strict CSP', async () => {
  for (const [path, entry] of [
    ['/console/approvals', 'console'],
    ['/portal/apis/x', 'portal'],
  ] as const) {
    const res = await fetch(gw.url + path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    const asset = new RegExp(`src="(/console/assets/${entry}-[\\w-]+\\.js)"`).exec(await res.text())?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(gw.url + asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  }
  // An API may not take a base path a front end answers.
  const t = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'shadow' });
  for (const basePath of ['/console', '/portal']) {
    const taken = await gw.admin.request('POST', '/admin/v1/apis', {
      tenantId: t.id,
      name: 'x',
      basePath,
      targets: [{ url: echo.url }],
    });
    expect(taken.status).toBe(400);
  }
});

it('owner publishes, developer subscribes from the portal, owner decides, the call is seen', async () => {
  const tenant = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'orders-team' });

  // The owner signs in (a wrong token first) and lands on the dashboard: no calls yet.
  await owner.goto(`${gw.url}/console/`);
  await owner.getByRole('heading', { name: 'Sign in to gateway-kit' }).waitFor();
  await check(owner, 'sign-in');
  await owner.getByText('Sign in with a token instead').click();
  await owner.getByLabel('Admin token').fill('not-the-token-0123456789');
  await owner.getByRole('button', { name: 'Sign in with the token' }).click();
  await owner.getByRole('alert').filter({ hasText: 'That token is not valid.' }).waitFor();
  await owner.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await owner.getByRole('button', { name: 'Sign in with the token' }).click();
  await owner.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await owner.getByTestId('total-requests').filter({ hasText: /^0$/ }).waitFor();

  // Create and publish an API, then give it a plan.
  await owner.getByRole('link', { name: 'APIs' }).click();
  await owner.getByRole('heading', { name: 'APIs' }).waitFor();
  const create = owner.getByRole('form', { name: 'Create an API' });
  await create.getByLabel('Tenant').selectOption({ label: 'orders-team' });
  await create.getByLabel('Name', { exact: true }).fill('Orders');
  await create.getByLabel('Base path').fill('/orders');
  await create.getByLabel('Upstream URL').fill(echo.url);
  await create.getByLabel('Visibility').selectOption('public');
  await create.getByLabel('Tags').fill('commerce, eu');
  await create.getByRole('button', { name: 'Create' }).click();
  await owner.getByRole('status').filter({ hasText: 'Created Orders as a draft.' }).waitFor();
  await owner.getByRole('button', { name: 'publish Orders' }).click();
  await owner.getByRole('button', { name: 'deprecate Orders' }).waitFor();
  await owner.getByRole('button', { name: 'edit Orders' }).click();
  // Policy settings: a form generated from the registry's schemas in the admin API's OpenAPI document.
  const edit = owner.getByRole('dialog', { name: 'Edit Orders' });
  // Its OpenAPI document, pasted: a broken one first (the error names the place in it), then a good one.
  const spec = edit.getByRole('form', { name: 'OpenAPI document' });
  await spec.getByLabel('Document').fill(ordersSpec.replace('description: The request, echoed', 'x: 1'));
  await spec.getByRole('button', { name: 'Attach the document' }).click();
  await spec
    .getByRole('alert')
    .filter({ hasText: "paths./hello.get.responses.200 must have required property 'description'" })
    .waitFor();
  await spec.getByLabel('Document').fill(ordersSpec);
  await spec.getByRole('button', { name: 'Attach the document' }).click();
  await spec.getByRole('status').filter({ hasText: 'Attached: Orders 1.0.0 (OpenAPI 3.1.0)' }).waitFor();
  const policies = edit.getByRole('form', { name: 'Policy settings' });
  await policies.getByRole('checkbox', { name: 'Use the jwt policy' }).check();
  await policies.getByRole('button', { name: 'Add to jwt keys' }).click();
  await policies.getByRole('group', { name: 'jwt keys 1' }).waitFor();
  await policies.getByRole('checkbox', { name: 'Use the jwt policy' }).uncheck();
  await policies.getByRole('checkbox', { name: 'Use the cors policy' }).check();
  await policies.getByLabel('cors origins').fill('https://shop.example');
  await policies.getByLabel('cors methods').fill('GE T');
  await policies.getByRole('button', { name: 'Save policy settings' }).click();
  await policies
    .getByRole('alert')
    .filter({ hasText: /settings\.cors\.methods\.0/ })
    .waitFor();
  await check(owner, 'api-edit');
  await policies.getByLabel('cors methods').fill('GET\nPOST');
  await policies.getByLabel('cors max age').fill('120');
  await policies.getByRole('button', { name: 'Save policy settings' }).click();
  await edit.waitFor({ state: 'hidden' });
  await check(owner, 'apis');
  const api = (
    (await gw.admin.ok('GET', '/admin/v1/apis')).items as {
      id: string;
      name: string;
      status: string;
      tenantId: string;
      tags: string[];
    }[]
  ).find((a) => a.name === 'Orders')!;
  expect(api).toMatchObject({ status: 'published', tenantId: tenant.id, tags: ['commerce', 'eu'] });
  expect((await gw.admin.ok('GET', `/admin/v1/apis/${api.id}`)).settings).toEqual({
    cors: {
      origins: ['https://shop.example'],
      methods: ['GET', 'POST'],
      headers: [],
      exposeHeaders: [],
      credentials: false,
      maxAge: 120,
    },
  });

  await owner.getByRole('link', { name: 'Plans' }).click();
  await owner.getByLabel('Plan name').fill('basic');
  await owner.getByLabel('Requests per second').fill('50');
  await owner.getByRole('button', { name: 'Create plan' }).click();
  await owner.getByRole('cell', { name: 'basic', exact: true }).waitFor();
  await check(owner, 'plans');

  // A consumer tenant: a developer invited by email (no mail transport: the link is shown once to pass on),
  // and a tenant token for its CI, shown once too.
  await owner.getByRole('link', { name: 'Tenants' }).click();
  await owner.getByLabel('Tenant name').fill('shop');
  await owner.getByRole('button', { name: 'Create tenant' }).click();
  await owner.getByRole('heading', { name: 'shop: members' }).waitFor();
  await owner.getByLabel('Email to invite').fill('dana@shop.example');
  await owner.getByLabel('Their role').selectOption('developer');
  await owner.getByRole('button', { name: 'Invite' }).click();
  const link = (await owner.getByTestId('secret').textContent())!;
  expect(link).toMatch(/\/console\/#invite=[\w-]+$/);
  await expect(owner.getByLabel('Role of dana@shop.example').inputValue()).resolves.toBe('developer');
  await owner.getByLabel('Token name').fill('ci');
  await owner.getByLabel('Role', { exact: true }).selectOption('viewer');
  await owner.getByRole('button', { name: 'Issue token' }).click();
  await owner.getByRole('status').filter({ hasText: 'Token ci' }).waitFor();
  await check(owner, 'tenants');

  // The developer accepts the invitation (a password; signed in with a session cookie), then opens the portal.
  await dev.goto(`${gw.url}/console/${link.slice(link.indexOf('#'))}`);
  await dev.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
  expect(new URL(dev.url()).hash).toBe('');
  await check(dev, 'accept-invitation');
  await dev.getByLabel('Your name').fill('Dana');
  await dev.getByLabel('New password').fill('correct horse battery staple');
  await dev.getByRole('button', { name: 'Accept and sign in' }).click();
  await dev.getByRole('heading', { name: 'Dashboard' }).waitFor();
  // Her account: this browser's session, and a personal token for scripts (scoped, expiring, shown once).
  await dev.getByRole('link', { name: 'My account' }).click();
  await dev.getByRole('cell', { name: 'this browser' }).waitFor();
  // Her tenant by its name, not its id.
  await dev.getByText(/member of shop \(developer\)$/).waitFor();
  await dev.getByLabel('Token name').fill('laptop');
  await dev.getByLabel('Acts on').selectOption({ label: 'shop as viewer' });
  await dev.getByRole('button', { name: 'Issue token' }).click();
  const pat = (await dev.getByTestId('secret').textContent())!;
  const asPat = await fetch(`${gw.url}/admin/v1/apps`, { headers: { authorization: `Bearer ${pat}` } });
  expect(asPat.status).toBe(200);
  const patWrite = await fetch(`${gw.url}/admin/v1/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pat}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'not-allowed' }),
  });
  expect(patWrite.status).toBe(403);
  await check(dev, 'account');
  // Another team's API in the catalog, tagged otherwise.
  const maps = await gw.admin.ok('POST', '/admin/v1/apis', {
    tenantId: tenant.id,
    name: 'Maps',
    basePath: '/maps',
    targets: [{ url: echo.url }],
    visibility: 'public',
    tags: ['geo'],
  });
  await gw.admin.ok('POST', `/admin/v1/apis/${maps.id}/publish`);
  await dev.goto(`${gw.url}/portal/`);
  await dev.getByRole('heading', { name: 'API catalog' }).waitFor();
  await dev.getByRole('radio', { name: 'commerce' }).check();
  await dev.getByRole('link', { name: 'Maps' }).waitFor({ state: 'detached' });
  await dev.getByRole('link', { name: 'Orders' }).waitFor();
  await dev.getByLabel('Search').fill('geo');
  await dev.getByText('No API matches.').waitFor();
  await dev.getByRole('radio', { name: 'Any' }).check();
  await dev.getByRole('link', { name: 'Maps' }).waitFor();
  await dev.getByLabel('Search').fill('ord');
  await dev.getByRole('link', { name: 'Orders' }).waitFor();
  await dev.getByLabel('Search').fill('nothing-like-it');
  await dev.getByText('No API matches.').waitFor();
  await dev.getByLabel('Search').fill('');
  await check(dev, 'portal-catalog');
  await dev.getByRole('link', { name: 'My apps and keys' }).click();
  await dev.getByLabel('App name').fill('storefront');
  await dev.getByRole('button', { name: 'Create app' }).click();
  await dev.getByRole('heading', { name: 'storefront: keys' }).waitFor();
  await dev.getByLabel('Key name').fill('web');
  await dev.getByRole('button', { name: 'Issue a key' }).click();
  const key = (await dev.getByTestId('secret').textContent())!;
  await dev.getByRole('button', { name: /^Copy New key web/ }).click();
  await expect(dev.evaluate(() => navigator.clipboard.readText())).resolves.toBe(key);
  // Rotation with overlap: a replacement is shown once and the old key gets an expiry but keeps working
  // (the calls further down still use it).
  const oldPrefix = key.split('.')[0]!;
  await dev.getByRole('button', { name: `Rotate ${oldPrefix}` }).click();
  await expect(dev.getByRole('button', { name: /^Copy Rotated key web/ }).textContent()).resolves.toBe(
    'Copy',
  );
  const rotated = (await dev.getByTestId('secret').textContent())!;
  expect(rotated.split('.')[0]).not.toBe(oldPrefix);
  const keyRows = dev.getByRole('table', { name: 'Keys of storefront' }).getByRole('row');
  await expect.poll(() => keyRows.count()).toBe(3);
  const oldRow = keyRows.filter({ hasText: oldPrefix });
  await expect(oldRow.getByRole('cell').nth(4).textContent()).resolves.toBe('active');
  await expect(oldRow.getByRole('cell').nth(3).textContent()).resolves.not.toBe('—');
  await check(dev, 'portal-apps');
  await dev.getByRole('link', { name: 'Catalog' }).click();
  await dev.getByRole('link', { name: 'Orders' }).click();
  await dev.getByRole('heading', { name: 'Orders' }).waitFor();
  await dev.getByLabel('Why you need it').fill('checkout page');
  await dev.getByRole('button', { name: 'Subscribe' }).click();
  await dev.getByRole('status').filter({ hasText: 'Subscription pending' }).waitFor();
  await dev.getByRole('list', { name: 'My subscriptions' }).getByText('pending').waitFor();
  await check(dev, 'portal-api');

  // Another app of the shop applies too (through the API); the owner rejects it with a reason.
  const app = (await gw.admin.ok('GET', '/admin/v1/apps')).items.find(
    (a: { name: string }) => a.name === 'storefront',
  );
  const plan = (await gw.admin.ok('GET', `/admin/v1/apis/${api.id}/plans`)).items[0];
  const bot = await gw.admin.ok('POST', '/admin/v1/apps', { tenantId: app.tenantId, name: 'scraper' });
  const botSub = await gw.admin.ok('POST', '/admin/v1/subscriptions', {
    appId: bot.id,
    apiId: api.id,
    planId: plan.id,
  });

  await owner.getByRole('link', { name: 'Approvals' }).click();
  await owner.getByRole('button', { name: 'Approve storefront for Orders' }).waitFor();
  expect(await owner.getByRole('cell', { name: 'checkout page', exact: true }).isVisible()).toBe(true);
  await check(owner, 'approvals');
  await owner.getByRole('button', { name: 'Reject scraper for Orders' }).click();
  await owner.getByLabel('Reason (the applicant sees it)').fill('no scraping');
  await check(owner, 'approvals-reject');
  await owner.getByRole('dialog').getByRole('button', { name: 'Reject' }).click();
  await owner.getByRole('button', { name: 'Reject scraper for Orders' }).waitFor({ state: 'detached' });
  await owner.getByRole('checkbox', { name: 'Select storefront for Orders' }).check();
  await owner.getByRole('button', { name: 'Approve selected (1)' }).click();
  await owner.getByText('No subscription is waiting for approval.').waitFor();
  const subs = (await gw.admin.ok('GET', `/admin/v1/subscriptions?apiId=${api.id}`)).items;
  expect(
    subs
      .map((s: { appName: string; status: string; comment: string | null }) => [
        s.appName,
        s.status,
        s.comment,
      ])
      .sort(),
  ).toEqual([
    ['scraper', 'rejected', 'no scraping'],
    ['storefront', 'approved', null],
  ]);
  expect(botSub.status).toBe('pending');

  // The developer sees the approval and calls the API from try-it with the key.
  await dev.reload();
  await dev.getByRole('list', { name: 'My subscriptions' }).getByText('approved').waitFor();
  const tryIt = dev.getByRole('form', { name: 'Try it' });
  await tryIt.getByLabel('Path after /orders').fill('/hello?from=portal');
  await tryIt.getByLabel('API key').fill(key);
  await tryIt.getByRole('button', { name: 'Send' }).click();
  const answer = dev.getByRole('status').filter({ hasText: 'request id' });
  await answer.waitFor();
  const answerText = (await answer.textContent())!;
  expect(answerText).toMatch(/^200 in \d+ ms · request id /);
  const requestId = (await answer.locator('code').textContent())!;
  expect(answerText).toContain('"path":"/hello"');
  await check(dev, 'portal-try-it');
  // The reference rendered from the document (Swagger UI, under the CSP): its own try-out goes through the
  // gateway with the key typed above.
  const reference = dev.locator('.reference');
  await reference.getByText('Say hello').click();
  await reference.getByRole('button', { name: 'Try it out' }).click();
  await reference.getByRole('button', { name: 'Execute' }).click();
  await reference.locator('.live-responses-table .response-col_status').filter({ hasText: '200' }).waitFor();
  await check(dev, 'portal-reference');
  await dev.getByRole('link', { name: 'My usage' }).click();
  await dev.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await check(dev, 'portal-usage');

  // The owner finds the call in the log explorer, by request id too, and opens its drawer.
  await owner.getByRole('link', { name: 'Call log' }).click();
  const row = owner.getByRole('button', { name: requestId });
  await row.waitFor({ timeout: 20_000 });
  await owner.getByLabel('Status').selectOption('5xx');
  await row.waitFor({ state: 'detached' });
  await owner.getByLabel('Status').selectOption('2xx');
  await row.waitFor();
  await owner.getByLabel('Request id').fill(requestId);
  await owner.getByRole('button', { name: 'Apply filters' }).click();
  await row.waitFor();
  await expect(owner.locator('tbody tr').count()).resolves.toBe(1);
  await check(owner, 'call-log');
  await row.click();
  const drawer = owner.getByRole('dialog', { name: `Call ${requestId}` });
  await drawer.getByText('GET /orders/hello', { exact: true }).waitFor();
  expect(await drawer.getByText('storefront', { exact: true }).isVisible()).toBe(true);
  await check(owner, 'call-detail');
  await drawer.getByRole('button', { name: 'Close' }).click();

  // The dashboard counts it, and names the API and the app.
  await owner.getByRole('link', { name: 'Dashboard' }).click();
  // Two calls: try-it's and the reference's.
  await owner.getByTestId('total-requests').filter({ hasText: /^2$/ }).waitFor();
  await owner
    .getByRole('table', { name: 'Top APIs' })
    .getByRole('cell', { name: 'Orders', exact: true })
    .waitFor();
  await owner
    .getByRole('table', { name: 'Top apps' })
    .getByRole('cell', { name: 'storefront', exact: true })
    .waitFor();
  await owner.locator('.chart canvas').first().waitFor();
  await check(owner, 'dashboard');

  for (const [link, heading, name] of [
    ['Apps and keys', 'Apps and keys', 'apps'],
    ['AI', 'AI', 'ai'],
    ['Audit log', 'Audit log', 'audit'],
  ] as const) {
    await owner.getByRole('link', { name: link, exact: true }).click();
    await owner.getByRole('heading', { name: heading, exact: true }).waitFor();
    if (name === 'audit')
      await owner.getByRole('cell', { name: 'rejectSubscription', exact: true }).waitFor();
    await check(owner, name);
  }

  // A webhook to a real receiver: created (its secret shown once), a test event sent and seen delivered in
  // the drawer's log, then disabled and deleted.
  await owner.getByRole('link', { name: 'Webhooks', exact: true }).click();
  const hookForm = owner.getByRole('form', { name: 'Create a webhook' });
  await hookForm.getByLabel('Tenant').selectOption({ label: 'orders-team' });
  await hookForm.getByLabel('Webhook name').fill('ops');
  await hookForm.getByLabel('URL').fill(receiver.url);
  await hookForm.getByRole('checkbox', { name: 'webhook.test' }).check();
  await hookForm.getByRole('button', { name: 'Create webhook' }).click();
  expect(await owner.getByTestId('secret').textContent()).toMatch(/^whsec_/);
  await check(owner, 'webhooks');
  await owner.getByRole('button', { name: 'open ops' }).click();
  const hook = owner.getByRole('dialog', { name: 'Webhook ops' });
  await hook.getByRole('button', { name: 'Send a test event' }).click();
  const delivered = hook
    .getByRole('row')
    .filter({ hasText: 'webhook.test' })
    .filter({ hasText: 'delivered' });
  await delivered.waitFor({ timeout: 20_000 });
  expect(await delivered.getByRole('cell', { name: '204', exact: true }).isVisible()).toBe(true);
  expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(['webhook.test']);
  await check(owner, 'webhook-deliveries');
  await hook.getByRole('checkbox', { name: /^Enabled/ }).uncheck();
  await hook.getByRole('button', { name: 'Save webhook' }).click();
  await hook.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await hook.getByRole('button', { name: 'Close' }).click();
  await owner.getByRole('cell', { name: 'disabled', exact: true }).waitFor();
  await owner.getByRole('button', { name: 'open ops' }).click();
  await hook.getByRole('button', { name: 'Delete webhook' }).click();
  await owner.getByText('No webhook yet.').waitFor();
  expect((await gw.admin.ok('GET', '/admin/v1/webhooks')).items).toEqual([]);

  // A one-time sign-in link, as `npm start` prints one: it signs a platform admin in once, and only once.
  await owner.getByRole('button', { name: 'Sign out' }).click();
  const ops = await gw.admin.ok('POST', '/admin/v1/users', {
    email: 'ops@orders.example',
    displayName: 'Ops',
    platformAdmin: true,
  });
  await gw.admin.ok('PATCH', `/admin/v1/users/${ops.user.id}`, { status: 'active' });
  const once = await oneTimeLogin(gw.store, gw.url, ops.user.id);
  await owner.goto(once);
  await owner.getByRole('heading', { name: 'Dashboard' }).waitFor();
  expect(new URL(owner.url()).hash).toBe('');
  await owner.getByRole('button', { name: 'Sign out' }).click();
  await owner.goto(once);
  await owner.getByRole('alert').filter({ hasText: 'invalid, used or expired sign-in link' }).waitFor();
  expect(refused).toEqual([]);
}, 240_000);
