// The built pages are served from wherever the console lives, a directory whose path has a dot-segment
// included (a checkout under ~/.cache, a package under ~/.local): `send` refuses such absolute paths.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';

const root = mkdtempSync(join(tmpdir(), 'gk-console-'));
let gw: TestGateway | undefined;
afterAll(async () => {
  await gw?.stop();
  rmSync(root, { recursive: true, force: true });
});

it('serves the console and the portal from a directory under a dot-directory, with their CSP', async () => {
  const dir = join(root, '.cache', 'console-dist');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'portal.html'), '<!doctype html><title>portal</title>');
  gw = await startTestGateway({ CONSOLE_DIR: dir });
  for (const [path, title] of [
    ['/console/', 'console'],
    ['/portal/', 'portal'],
  ]) {
    const res = await fetch(`${gw.url}${path}`);
    expect([res.status, await res.text()]).toEqual([200, `<!doctype html><title>${title}</title>`]);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  }
});
