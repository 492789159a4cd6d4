// The console in a real Chromium against a real gateway: sign in, create and publish an API, approve a
// developer's subscription in the queue, see the developer's call in the call log; axe-core on every page.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type Echo,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../../gateway/src/test-support/harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const consoleRoot = new URL('..', import.meta.url).pathname;
const shots = process.env.UPDATE_SCREENSHOTS
  ? new URL('../../docs/console/', import.meta.url).pathname
  : null;
let gw: TestGateway;
let echo: Echo;
let browser: Browser;
let page: Page;

async function axe(p: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page: p }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help}`);
}
async function shot(name: string) {
  if (shots) await page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
}

beforeAll(async () => {
  // The real build, as `npm run build -w console` makes it (vite; the typed client is type-checked by npm test).
  await promisify(execFile)(
    process.execPath,
    [new URL('../../node_modules/vite/bin/vite.js', import.meta.url).pathname, 'build'],
    { cwd: consoleRoot },
  );
  if (shots) mkdirSync(shots, { recursive: true });
  [gw, echo] = await Promise.all([startTestGateway(), startEcho()]);
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
  page = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all([gw?.stop(), echo?.close()]);
});

it('serves the console under a strict CSP, and every page of it', async () => {
  const res = await fetch(`${gw.url}/console/approvals`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('cache-control')).toBe('no-cache');
  expect(res.headers.get('content-security-policy')).toBe(
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
  const html = await res.text();
  const asset = /src="(\/console\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
  expect(asset).toBeDefined();
  const js = await fetch(gw.url + asset);
  expect(js.status).toBe(200);
  expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  // An API may not take a base path the console answers.
  const t = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'shadow' });
  const taken = await gw.admin.request('POST', '/admin/v1/apis', {
    tenantId: t.id,
    name: 'x',
    basePath: '/console',
    targets: [{ url: echo.url }],
  });
  expect(taken.status).toBe(400);
});

it('an owner publishes an API, approves a developer, and sees the developer’s call', async () => {
  const tenant = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'orders-team' });
  await page.goto(`${gw.url}/console/`);
  await expect(page.getByRole('heading', { name: 'Sign in to gateway-kit' }).isVisible()).resolves.toBe(true);
  expect(await axe(page)).toEqual([]);
  await shot('sign-in');
  await page.getByLabel('Admin token').fill('not-the-token-0123456789');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'That token is not valid.' }).waitFor();
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByRole('heading', { name: 'APIs' }).waitFor();
  await page.getByLabel('Tenant').selectOption({ label: 'orders-team' });
  await page.getByLabel('Name').fill('Orders');
  await page.getByLabel('Base path').fill('/orders');
  await page.getByLabel('Upstream URL').fill(echo.url);
  await page.getByLabel('Visibility').selectOption('public');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('status').filter({ hasText: 'Created Orders as a draft.' }).waitFor();
  await page.getByRole('button', { name: 'publish Orders' }).click();
  await page.getByRole('button', { name: 'deprecate Orders' }).waitFor();
  expect(await axe(page)).toEqual([]);
  await shot('apis');
  const api = (
    (await gw.admin.ok('GET', '/admin/v1/apis')).items as {
      id: string;
      name: string;
      status: string;
      tenantId: string;
    }[]
  ).find((a) => a.name === 'Orders')!;
  expect(api).toMatchObject({ status: 'published', tenantId: tenant.id });

  // A developer of another tenant applies (the portal's part, through the admin API here).
  const plan = await gw.admin.ok('POST', `/admin/v1/apis/${api.id}/plans`, { name: 'basic' });
  const devTenant = await gw.admin.ok('POST', '/admin/v1/tenants', { name: 'shop' });
  const app = await gw.admin.ok('POST', '/admin/v1/apps', { tenantId: devTenant.id, name: 'storefront' });
  const sub = await gw.admin.ok('POST', '/admin/v1/subscriptions', {
    appId: app.id,
    apiId: api.id,
    planId: plan.id,
    reason: 'checkout page',
  });
  expect(sub.status).toBe('pending');

  await page.getByRole('link', { name: 'Approvals' }).click();
  const approve = page.getByRole('button', { name: `Approve ${app.id} for Orders` });
  await approve.waitFor();
  expect(await page.getByRole('cell', { name: 'checkout page' }).isVisible()).toBe(true);
  expect(await axe(page)).toEqual([]);
  await shot('approvals');
  await page.getByLabel('Comment sent with the decision').fill('welcome');
  await approve.click();
  await page.getByText('No subscription is waiting for approval.').waitFor();
  expect(await gw.admin.ok('GET', `/admin/v1/subscriptions/${sub.id}`)).toMatchObject({
    status: 'approved',
    comment: 'welcome',
  });

  const key = await gw.admin.ok('POST', `/admin/v1/apps/${app.id}/keys`, { name: 'web' });
  const call = await fetch(`${gw.url}/orders/hello?from=console-test`, { headers: { 'x-api-key': key.key } });
  expect(call.status).toBe(200);
  const requestId = call.headers.get('x-request-id')!;

  await page.getByRole('link', { name: 'Call log' }).click();
  await page.getByRole('cell', { name: requestId }).waitFor({ timeout: 20_000 });
  await page.getByLabel('Status').selectOption('5xx');
  await page.getByRole('cell', { name: requestId }).waitFor({ state: 'detached' });
  await page.getByLabel('Status').selectOption('2xx');
  await page.getByRole('cell', { name: requestId }).waitFor();
  expect(await axe(page)).toEqual([]);
  await shot('call-log');
}, 120_000);
