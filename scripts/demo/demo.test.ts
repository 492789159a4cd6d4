// `npm start` as a user runs it: the printed commands work, a second demo is refused without harming the
// first, and a signal to the npm process alone stops everything.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, expect, it } from 'vitest';
import {
  get,
  killDemo,
  openPortsAfter,
  type RunningDemo,
  repoRoot,
  signalNpm,
  startDemo,
} from './testing.js';

let demo: RunningDemo | undefined;
afterAll(() => killDemo(demo));

const status = async (url: string, headers: Record<string, string> = {}) => (await get(url, headers)).status;

/** Runs a command from the checkout to its end: exit code, stdout, stderr. */
async function run(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let [stdout, stderr] = ['', ''];
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [status] = await once(child, 'close');
  return { status, stdout, stderr };
}
const secondDemo = (env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/demo/main.ts'], env);

it('serves what it prints, refuses a second demo in one line, and stops on SIGINT to npm', async () => {
  demo = await startDemo();
  const out = demo.output();
  const curls = [...out.matchAll(/^curl -i (\S+)(?: -H '([^:]+): ([^']+)')?$/gm)].map((m) =>
    status(m[1]!, m[2] ? { [m[2]]: m[3]! } : {}),
  );
  expect(await Promise.all(curls)).toEqual([200, 401, 403]);
  expect(demo.adminToken).toMatch(/^demo-[0-9a-f]{32}$/);
  // The console link signs the demo admin in once (a one-time token in the fragment, which no server sees);
  // the admin token itself is not in it.
  const login = /^console {6}(\S+) {3}\(signs the demo admin in once, within 15 minutes\)$/m.exec(out)?.[1];
  expect(login).toMatch(new RegExp(`^${demo.base}/console/#login=[\\w-]{43}$`));
  const exchange = () =>
    fetch(`${demo!.base}/admin/v1/session/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: login!.split('#login=')[1] }),
    });
  const first = await exchange();
  expect([first.status, ((await first.json()) as { user: { email: string } }).user.email]).toEqual([
    201,
    'admin@demo.local',
  ]);
  expect((await exchange()).status).toBe(401);
  const page = await fetch(`${demo.base}/console/`);
  expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  expect(await page.text()).toContain('<title>gateway-kit console</title>');

  // The OpenAI-client command it prints, run as printed from the checkout; meanwhile a second demo on the
  // same database, and one on other files but the same gateway port.
  const aiCommand = /^GATEWAY_URL=(\S+) GATEWAY_KEY=(\S+) npx tsx (\S+)$/m.exec(out)!;
  expect(aiCommand[1]).toBe(`${demo.base}/ai/v1`);
  const [ai, sameDb, samePort] = await Promise.all([
    run('npx', ['tsx', aiCommand[3]!], {
      ...demo.env,
      GATEWAY_URL: aiCommand[1]!,
      GATEWAY_KEY: aiCommand[2]!,
    }),
    secondDemo({ ...demo.env, PORT: '1', ECHO_PORT: '2', LLM_MOCK_PORT: '3' }),
    secondDemo({ ...demo.env, DEMO_DB: `${demo.env.DEMO_DB}-other` }),
  ]);
  expect(ai).toEqual({ status: 0, stdout: 'echo: hi\n', stderr: '' });
  const [gatewayPort, echoPort, llmPort] = demo.ports;
  expect(sameDb.status).toBe(1);
  expect(sameDb.stderr).toBe(
    `demo not started: another demo is running on ${demo.env.DEMO_DB} (pid ${demo.pid}: ` +
      `gateway http://127.0.0.1:${gatewayPort}, echo http://127.0.0.1:${echoPort}, ` +
      `llm-mock http://127.0.0.1:${llmPort}, store sqlite:${demo.env.DEMO_DB}); stop it first ` +
      `(Ctrl-C in its terminal, or kill ${demo.pid}), or give this one its own DEMO_DB and ports\n`,
  );
  expect(samePort.status).toBe(1);
  expect(samePort.stderr).toBe(
    `demo not started: port ${gatewayPort} (the demo's gateway) is taken by another program on 127.0.0.1; stop it or set PORT\n`,
  );

  // The first demo still serves and still logs.
  expect(await status(`${demo.base}/echo/after-second`, { 'x-api-key': demo.key })).toBe(200);
  let paths: string[] = [];
  for (let i = 0; i < 100 && !paths.includes('/echo/after-second'); i++) {
    const res = await get(`${demo.base}/admin/v1/logs`, { authorization: `Bearer ${demo.adminToken}` });
    expect(res.status).toBe(200);
    paths = (JSON.parse(res.body) as { items: { path: string }[] }).items.map((item) => item.path);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(paths).toContain('/echo/after-second');

  const exit = await signalNpm(demo, 'SIGINT', 5000);
  expect(exit).toEqual([0, null]);
  expect(await openPortsAfter(demo.ports, 0)).toEqual([]);
  expect(demo.output()).toMatch(/SIGINT: stopping\n$/);
}, 120_000);
