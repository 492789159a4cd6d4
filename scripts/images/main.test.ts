import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './process.js';

const REPO = join(import.meta.dirname, '..', '..');
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'main.ts'), ...args], { cwd: REPO });

describe('images CLI', () => {
  it('lists the manifest images', async () => {
    const result = await cli('list');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      'gateway   gateway-kit/gateway  Dockerfile.gateway (context .)',
      'echo      gateway-kit/echo  services/echo/Dockerfile (context .)',
      'llm-mock  gateway-kit/llm-mock  services/llm-mock/Dockerfile (context .)',
    ]);
  });

  it('rejects bad input with one line naming it, and exit code 2', async () => {
    const cases: [string[], string][] = [
      [['deploy'], 'images: unknown command "deploy" (list, build, verify)'],
      [['build', 'nginx'], 'images: unknown image nginx (the manifest has gateway, echo, llm-mock)'],
      [
        ['build', '--secret', 'src=/x'],
        'images: --secret src=/x: expected id=<id>,src=<file> or id=<id>,env=<variable>',
      ],
      [
        ['build', '--secret', 'id=npmrc,src=/nonexistent/npmrc'],
        'images: --secret id=npmrc,src=/nonexistent/npmrc: /nonexistent/npmrc does not exist',
      ],
      [['build', '--progress', 'fancy'], 'images: --progress fancy: expected auto, plain or quiet'],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code, stderr: result.stderr.trim() }).toEqual({
        args,
        code: 2,
        stderr: message,
      });
    }
  });

  it('refuses --push without a registry', async () => {
    const result = await run(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'main.ts'), 'build', '--push'],
      {
        cwd: REPO,
        env: { ...process.env, IMAGES_REGISTRY: '' },
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'images: --push needs a registry: pass --registry or set IMAGES_REGISTRY',
    );
  });

  it('fails verify clearly when there is no lock file', async () => {
    const result = await cli('verify', '--lock-file', '/nonexistent/images.lock.json');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'images: /nonexistent/images.lock.json does not exist; run images build --push',
    );
  });
});
