// `npm start`: the demo. Starts echo, llm-mock and the gateway on SQLite, seeds one of everything, prints
// what to try. SIGINT, SIGTERM or SIGHUP, or the end of the process that started it (npm), stops it all.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { claim, type DemoPlaces, DemoRefused, describePlaces } from './guard.js';

const places: DemoPlaces = {
  gatewayPort: Number(process.env.PORT || 8080),
  echoPort: Number(process.env.ECHO_PORT || 9000),
  llmPort: Number(process.env.LLM_MOCK_PORT || 9100),
  dbFile: process.env.DEMO_DB || './data/demo.db',
};

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function main(): Promise<void> {
  const release = await claim(places);
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const step of stops.reverse()) await step().catch(() => {});
    release();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stdout.write(`${signal}: stopping\n`);
      void stop(0);
    });
  }
  // A parent that dies without passing a signal on (npm on SIGHUP, a killed terminal) must not leave ports open.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop(0), 500).unref();

  try {
    // Loaded once the lock is ours, so that a refused second demo answers at once.
    const { startGateway } = await import('../../gateway/src/app.js');
    const { createLogger } = await import('../../gateway/src/observability/logger.js');
    const { createEchoServer } = await import('../../services/echo/src/server.js');
    const { createLlmMockServer } = await import('../../services/llm-mock/src/server.js');
    const { seed } = await import('./seed.mjs');
    await buildConsoleOnce();
    // A fresh database each run, so the demo always starts from the same story (the lock is ours now).
    for (const suffix of ['', '-wal', '-shm']) rmSync(places.dbFile + suffix, { force: true });
    const adminToken = process.env.ADMIN_TOKEN || `demo-${randomBytes(16).toString('hex')}`;

    const echo = createEchoServer();
    await listen(echo, places.echoPort);
    stops.push(() => close(echo));
    const llm = createLlmMockServer();
    await listen(llm, places.llmPort);
    stops.push(() => close(llm));
    const gateway = await startGateway(
      {
        ADMIN_TOKEN: adminToken,
        DATABASE_URL: `sqlite:${places.dbFile}`,
        PORT: places.gatewayPort,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      { logger: createLogger('warn') },
    );
    stops.push(() => gateway.stop());
    const { key } = await seed(
      gateway.url,
      adminToken,
      `http://127.0.0.1:${places.echoPort}`,
      `http://127.0.0.1:${places.llmPort}/v1`,
    );
    const consoleLink = await demoAdminLink(gateway, adminToken);
    process.stdout.write(instructions(gateway.url, adminToken, key, consoleLink));
  } catch (error) {
    process.stderr.write(`demo failed: ${(error as Error).message}\n`);
    await stop(1);
  }
}

/**
 * The demo admin, a person (platform admin), and a one-time sign-in link for the console: it opens a session
 * once, within 15 minutes, and is worthless after; the long-lived admin token never goes into a URL.
 */
async function demoAdminLink(
  gateway: { url: string; store: import('../../gateway/src/store/db.js').Store },
  adminToken: string,
): Promise<string> {
  const { oneTimeLogin } = await import('../../gateway/src/admin/routes/login-links.js');
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${gateway.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { user: { id: string } } & { id: string };
  };
  const { user } = await call('POST', '/users', {
    email: 'admin@demo.local',
    displayName: 'Demo admin',
    platformAdmin: true,
  });
  await call('PATCH', `/users/${user.id}`, { status: 'active' });
  return oneTimeLogin(gateway.store, gateway.url, user.id);
}

/** The console and portal are static files the gateway serves: built on the first demo of a checkout. */
async function buildConsoleOnce(): Promise<void> {
  const { defaultConsoleDir } = await import('../../gateway/src/web-console/serve.js');
  if (existsSync(`${defaultConsoleDir}/index.html`)) return;
  process.stdout.write('building the web console (once per checkout)…\n');
  const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
  await promisify(execFile)(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: fileURLToPath(new URL('../../console', import.meta.url)),
  });
}

function instructions(base: string, adminToken: string, key: string, consoleLink: string): string {
  return [
    '',
    describePlaces(places),
    '',
    `console      ${consoleLink}   (signs the demo admin in once, within 15 minutes)`,
    `portal       ${base}/portal/`,
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
    '# an OpenAI client through the gateway: model claude, answered by llm-mock in the Anthropic format',
    `GATEWAY_URL=${base}/ai/v1 GATEWAY_KEY=${key} npx tsx scripts/demo/ai-client.ts`,
    '# the README walk-through, on this demo',
    `T=${adminToken}`,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

main().catch((error) => {
  // Refused before anything was touched: one line, and the running demo is left alone.
  const reason =
    error instanceof DemoRefused
      ? `demo not started: ${error.message}`
      : `demo failed: ${(error as Error).message}`;
  process.stderr.write(`${reason}\n`);
  process.exit(1);
});
