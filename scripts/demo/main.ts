// `npm start`: the demo. Starts echo and the gateway on SQLite, seeds one of everything, prints what to try.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { startGateway } from '../../gateway/src/app.js';
import { createLogger } from '../../gateway/src/observability/logger.js';
import { createEchoServer } from '../../services/echo/src/server.js';

const GATEWAY_PORT = Number(process.env.PORT ?? 8080);
const ECHO_PORT = Number(process.env.ECHO_PORT ?? 9000);
const DB_FILE = process.env.DEMO_DB ?? './data/demo.db';

async function admin<T = { id: string } & Record<string, unknown>>(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${base}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function main(): Promise<void> {
  // A fresh database each run, so the demo always starts from the same story.
  for (const suffix of ['', '-wal', '-shm']) rmSync(DB_FILE + suffix, { force: true });
  const adminToken = process.env.ADMIN_TOKEN ?? `demo-${randomBytes(16).toString('hex')}`;

  const echo = createEchoServer();
  await new Promise<void>((resolve, reject) => {
    echo.once('error', reject);
    echo.listen(ECHO_PORT, '127.0.0.1', resolve);
  });
  const gateway = await startGateway(
    {
      ADMIN_TOKEN: adminToken,
      DATABASE_URL: `sqlite:${DB_FILE}`,
      PORT: GATEWAY_PORT,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    { logger: createLogger('warn') },
  );
  const base = gateway.url;
  const call = <T = { id: string } & Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    admin<T>(base, adminToken, method, path, body);

  const tenant = await call('POST', '/tenants', { name: 'demo' });
  const target = [{ url: `http://127.0.0.1:${ECHO_PORT}`, weight: 1 }];
  const api = await call('POST', '/apis', {
    tenantId: tenant.id,
    name: 'Echo',
    basePath: '/echo',
    visibility: 'public',
    approval: 'manual',
    targets: target,
  });
  await call('POST', `/apis/${api.id}/publish`);
  const plan = await call('POST', `/apis/${api.id}/plans`, {
    name: 'starter',
    rateLimit: { requestsPerSecond: 50, burst: 100 },
    quota: { requestsPerDay: 10_000 },
  });
  const other = await call('POST', '/apis', {
    tenantId: tenant.id,
    name: 'Echo (internal)',
    basePath: '/internal',
    targets: target,
  });
  await call('POST', `/apis/${other.id}/publish`);
  await call('POST', `/apis/${other.id}/plans`, { name: 'internal' });
  const app = await call('POST', '/apps', { tenantId: tenant.id, name: 'demo app' });
  const { key } = await call<{ key: string }>('POST', `/apps/${app.id}/keys`, { name: 'demo' });
  const sub = await call('POST', '/subscriptions', {
    appId: app.id,
    apiId: api.id,
    planId: plan.id,
    reason: 'demo',
  });
  await call('POST', `/subscriptions/${sub.id}/approve`, { comment: 'approved by the demo' });

  process.stdout.write(
    [
      '',
      `gateway ${base}   echo http://127.0.0.1:${ECHO_PORT}   store sqlite:${DB_FILE}`,
      '',
      `admin token  ${adminToken}`,
      `API key      ${key}`,
      '',
      '# 200: the app is subscribed to /echo',
      `curl -i ${base}/echo/hello -H 'x-api-key: ${key}'`,
      '# 401: no key',
      `curl -i ${base}/echo/hello`,
      '# 403: the app has no subscription to /internal',
      `curl -i ${base}/internal/hello -H 'x-api-key: ${key}'`,
      '# the admin API',
      `curl -s ${base}/admin/v1/catalog -H 'authorization: Bearer ${adminToken}'`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await gateway.stop();
    await new Promise<void>((resolve) => {
      echo.close(() => resolve());
      echo.closeAllConnections();
    });
    process.stdout.write('stopped\n');
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  process.exit(1);
});
