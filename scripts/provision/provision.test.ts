// The pretest as `npm test` runs it: hands the addresses over when all is there, names what is missing else.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../images/testing/containers.js';
import { testEnv } from './prerequisites.js';
import { onPath } from './system.js';

const dir = mkdtempSync(join(tmpdir(), 'gk-provision-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pretest(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/provision/main.ts'], {
    env: { ...process.env, GATEWAY_KIT_PROVISION: 'check', ...env },
    encoding: 'utf8',
  });
}

describe('npm test pretest', () => {
  it('hands the checked TEST_* addresses to vitest when everything is there', () => {
    const file = join(dir, 'ready.json');
    const result = pretest({ TEST_ENV_FILE: file });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^pretest: PostgreSQL, Redis, Docker engine, registry, nginx, wrk, Chromium, promtool, docker-compose, curl, network namespaces ready; /,
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(testEnv(process.env));
  });

  it('names each missing piece and how to get it, exits 1 and hands nothing over', async () => {
    // A PATH with every tool but wrk and promtool, and a Redis address nothing listens on.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const tool of [
      'redis-server',
      'docker',
      'nginx',
      'chromium',
      'docker-compose',
      'curl',
      'unshare',
      'ip',
    ]) {
      symlinkSync(onPath(tool)!, join(bin, tool));
    }
    const port = await freePort();
    const file = join(dir, 'missing.json');
    const result = pretest({ PATH: bin, TEST_REDIS_URL: `redis://127.0.0.1:${port}`, TEST_ENV_FILE: file });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      'npm test needs these and cannot find them:',
      `  - Redis: no Redis at redis://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port})`,
      '    get it: Debian/Ubuntu: apt-get install redis-server; elsewhere: redis-server on PATH (fault tests start their own) and a shared server at TEST_REDIS_URL=redis://host:port',
      '  - wrk: wrk is not on PATH',
      '    get it: Debian/Ubuntu: apt-get install wrk; elsewhere: wrk on PATH (https://github.com/wg/wrk), for the benchmark smoke run',
      '  - promtool: promtool is not on PATH',
      '    get it: Debian/Ubuntu: apt-get install prometheus; elsewhere: promtool on PATH (from Prometheus), to check the alert rules',
      'As root on Debian or Ubuntu, `npm test` installs and starts all of them itself (what .ci/run relies on).',
      '',
    ]);
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });
});
