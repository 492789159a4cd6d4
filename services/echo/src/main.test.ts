import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(env: Record<string, string>): {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return { child, stdout: () => out, stderr: () => err };
}

describe('main', () => {
  it('serves, then exits 0 on SIGTERM', async () => {
    const { child, stdout } = run({ PORT: '0', HOST: '127.0.0.1' });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line.toString())?.[1];
    expect(url).toBeDefined();
    const res = await fetch(`${url}/healthz`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stdout()).toContain('echo: SIGTERM received, closing');
  });

  it('stops with one named line on a bad variable', async () => {
    const { child, stderr } = run({ PORT: 'eighty' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr()).toBe('echo: invalid environment: PORT: must be a whole number\n');
  });
});
