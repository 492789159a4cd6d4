import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => {
    output.stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output.stderr += c.toString();
  });
  return { child, output };
}

describe('main', () => {
  it('serves with the environment, then exits 0 on SIGTERM', async () => {
    const { child, output } = run({
      PORT: '0',
      HOST: '127.0.0.1',
      MOCK_API_KEYS: 'k1,k2',
      MOCK_STATUS: '503',
    });
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+) \(2 API key\(s\) required\)/.exec(
      line.toString(),
    )?.[1];
    expect(url).toBeDefined();
    const res = await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer k2' } });
    expect([res.status, res.headers.get('retry-after')]).toEqual([503, '1']);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output.stdout).toContain('llm-mock: SIGTERM received, closing');
  });

  it('stops with one named line on a bad variable', async () => {
    const { child, output } = run({ MOCK_INTER_TOKEN_MS: 'fast' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output.stderr).toBe(
      'llm-mock: invalid environment: MOCK_INTER_TOKEN_MS: must be a whole number from 0 to 10000\n',
    );
  });
});
