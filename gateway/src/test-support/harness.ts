// Test harness: a real echo backend, a real gateway on port 0, and an admin client that seeds through the API.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEchoServer } from '../../../services/echo/src/server.js';
import { type RunningGateway, type StartOptions, startGateway } from '../app.js';
import type { Env } from '../config/env.js';
import { transportEnv } from './transport.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface Echo {
  url: string;
  server: Server;
  /** Every request that reached the backend, in order. */
  seen: IncomingMessage[];
  close(): Promise<void>;
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startEcho(): Promise<Echo> {
  const seen: IncomingMessage[] = [];
  const server = createEchoServer({ onRequest: (req) => seen.push(req) });
  const url = await listen(server);
  return {
    url,
    server,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A thin admin client: JSON in, parsed JSON (or text) out, nothing hidden. */
export class AdminClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token = this.token,
  ): Promise<Reply<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  /** Like request, but a non-2xx answer fails the test with the problem document. */
  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.request<T>(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  as(token: string): AdminClient {
    return new AdminClient(this.baseUrl, token);
  }
}

export interface TestGateway extends RunningGateway {
  admin: AdminClient;
}

export async function startTestGateway(
  env: Partial<Env> = {},
  options: StartOptions = {},
): Promise<TestGateway> {
  const gateway = await startGateway(
    { ADMIN_TOKEN, DATABASE_URL: 'sqlite::memory:', ...transportEnv(), ...env },
    options,
  );
  return { ...gateway, admin: new AdminClient(gateway.adminUrl, ADMIN_TOKEN) };
}

export interface SeedOptions {
  targets: { url: string; weight?: number }[];
  basePath?: string;
  /** `key` (default), `none`, or another auth policy's method (`jwt`…), configured by `settings`. */
  auth?: string | string[];
  settings?: Record<string, unknown>;
  approval?: 'manual' | 'auto';
  timeoutMs?: number;
  maxBodyBytes?: number;
  retries?: number;
  plan?: Record<string, unknown>;
  tenantId?: string;
}

export interface Seeded {
  tenantId: string;
  tenantToken: string;
  apiId: string;
  planId: string;
  appId: string;
  key: string;
  keyId: string;
  subscriptionId: string;
}

/** Tenant → published API → plan → app → key → approved subscription, all through the admin API. */
export async function seedKeyedApi(admin: AdminClient, o: SeedOptions): Promise<Seeded> {
  const tenantId =
    o.tenantId ??
    (await admin.ok('POST', '/admin/v1/tenants', { name: `t-${Math.random().toString(36).slice(2)}` })).id;
  const { token: tenantToken } = await admin.ok('POST', `/admin/v1/tenants/${tenantId}/tokens`, {});
  const api = await admin.ok('POST', '/admin/v1/apis', {
    tenantId,
    name: 'test api',
    basePath: o.basePath ?? '/echo',
    auth: o.auth ?? 'key',
    approval: o.approval ?? 'manual',
    visibility: 'public',
    targets: o.targets.map((t) => ({ url: t.url, weight: t.weight ?? 1 })),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.maxBodyBytes ? { maxBodyBytes: o.maxBodyBytes } : {}),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    ...(o.settings ? { settings: o.settings } : {}),
  });
  await admin.ok('POST', `/admin/v1/apis/${api.id}/publish`);
  const plan = await admin.ok('POST', `/admin/v1/apis/${api.id}/plans`, { name: 'default', ...o.plan });
  const app = await admin.ok('POST', '/admin/v1/apps', { tenantId, name: 'test app' });
  const key = await admin.ok('POST', `/admin/v1/apps/${app.id}/keys`, { name: 'k' });
  let sub = await admin.ok('POST', '/admin/v1/subscriptions', {
    appId: app.id,
    apiId: api.id,
    planId: plan.id,
  });
  if (sub.status === 'pending') sub = await admin.ok('POST', `/admin/v1/subscriptions/${sub.id}/approve`, {});
  return {
    tenantId,
    tenantToken,
    apiId: api.id,
    planId: plan.id,
    appId: app.id,
    key: key.key,
    keyId: key.id,
    subscriptionId: sub.id,
  };
}

/** /metrics as the scraper sees it: it needs METRICS_TOKEN or the admin token (docs/security.md). */
export async function metricsText(
  gw: { url: string; adminUrl?: string },
  token = ADMIN_TOKEN,
): Promise<string> {
  const res = await fetch(`${gw.adminUrl ?? gw.url}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`/metrics → ${res.status}`);
  return res.text();
}

/** Response body as JSON, typed loosely: tests assert on the shape. */
export async function json(res: Response): Promise<any> {
  return res.json();
}
