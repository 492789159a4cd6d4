// `npm start` as a user runs it: the printed curl commands give 200, 401 and 403, and Ctrl-C exits cleanly.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { expect, it } from 'vitest';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

it('seeds, prints working curl commands and stops on SIGINT', async () => {
  const [port, echoPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(`${tmpdir()}/gk-demo-`);
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./main.ts', import.meta.url).pathname], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      ECHO_PORT: String(echoPort),
      DEMO_DB: `${dir}/demo.db`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  while (!out.includes('Ctrl-C stops everything.')) {
    if (child.exitCode !== null) throw new Error(`demo exited: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const curls = [...out.matchAll(/^curl -i (\S+)(?: -H '([^:]+): ([^']+)')?$/gm)].map((m) => ({
    url: m[1]!,
    headers: m[2] ? { [m[2]]: m[3]! } : {},
  }));
  expect(curls.length).toBe(3);
  const statuses = [];
  for (const c of curls) {
    const res = await fetch(c.url, { headers: c.headers });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  expect(statuses).toEqual([200, 401, 403]);
  expect(out).toMatch(/^admin token {2}demo-[0-9a-f]{32}$/m);

  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  expect(code).toBe(0);
  expect(out.trim().endsWith('stopped')).toBe(true);
});
