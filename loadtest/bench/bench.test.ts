// Smoke run of `npm run bench -- --quick`: it runs end to end and its numbers are sane (never a speed check).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './gateway.js';
import type { BenchReport, Row } from './report.js';
import { loadTargets } from './targets.js';

const run = promisify(execFile);
const targets = loadTargets();

function expectSaneRow(row: Row | undefined, expectedErrors = 0) {
  expect(row).toBeDefined();
  const { latencyMs } = row!;
  expect(row!.requests).toBeGreaterThan(0);
  expect(row!.requestsPerSecond).toBeGreaterThan(0);
  expect(row!.errors).toBe(expectedErrors);
  expect(latencyMs.p50).toBeGreaterThan(0);
  expect(latencyMs.p50).toBeLessThanOrEqual(latencyMs.p99);
  expect(latencyMs.p99).toBeLessThanOrEqual(latencyMs.p999);
  expect(latencyMs.p999).toBeLessThanOrEqual(latencyMs.max);
}

describe('npm run bench -- --quick', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('measures every row and writes a JSON report and a table', { timeout: 150_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    const reportPath = join(dir, 'report.json');
    const args = ['tsx', 'loadtest/bench/main.ts', '--quick', '--json', reportPath];
    const { stdout } = await run('npx', args, { cwd: repoRoot, timeout: 145_000 });
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as BenchReport;

    expect(report.mode).toBe('quick');
    expect(report.platform).toBe('processes');
    const ids = report.rows.map((row) => row.id);
    expect(ids).toEqual([
      'direct',
      'nginx',
      'node-floor',
      'gateway-none',
      'gateway-keyed',
      'gateway-bad-key',
      'gateway-jwt',
      'nginx-tls',
      'gateway-tls',
    ]);
    for (const row of report.rows) expectSaneRow(row);
    // The TLS row's ratio is to nginx doing TLS as well.
    const byId = (id: string) => report.rows.find((row) => row.id === id)!;
    // The report divides the unrounded rates; the rows show them rounded: equal to within rounding.
    expect(byId('gateway-tls').ratioToNginx).toBeCloseTo(
      byId('gateway-tls').requestsPerSecond / byId('nginx-tls').requestsPerSecond,
      2,
    );
    expect(report.verdicts.map((v) => v.name)).toContain('gateway-jwt throughput vs gateway-keyed');
    const nginx = report.rows.find((row) => row.id === 'nginx')!;
    expect(nginx.ratioToNginx).toBe(1);
    expect(report.rows.find((row) => row.id === 'direct')!.ratioToDirect).toBe(1);

    // Fixed-rate rows are paced: they must not flood like a closed loop (1.5x leaves room for Poisson noise).
    const rate = targets.scenarios.proxyThroughput.ratePerSecond;
    expect(report.fixedRate.ratePerSecond).toBe(rate);
    for (const row of report.fixedRate.rows) {
      expectSaneRow(row);
      expect(row.requests).toBeLessThan(rate * targets.local.quick.fixedRateDurationS * 1.5);
    }

    expect(report.fixedRate.rows.map((row) => row.id)).toEqual([
      'direct',
      'nginx',
      'node-floor',
      'gateway-keyed',
    ]);
    // The floor is the floor of its own column; every gateway row has a ratio to it.
    expect(report.rows.find((row) => row.id === 'node-floor')!.ratioToFloor).toBe(1);
    for (const row of report.rows.filter((r) => r.id.startsWith('gateway')))
      expect(row.ratioToFloor).toBeGreaterThan(0);

    // Every core: WORKERS=2 against nginx with two worker processes, both rows answered without error.
    expect(report.workers?.workers).toBe(2);
    expect(report.workers?.rows.map((row) => row.id)).toEqual(['nginx', 'gateway-keyed']);
    for (const row of report.workers!.rows) expectSaneRow(row);
    expect(report.workers?.keyedRatioToNginx).toBeGreaterThan(0);
    expect(report.fixedRate.addedP99Ms).not.toBeNull();
    expect(report.fixedRate.addedP99OverFloorMs).not.toBeNull();
    expect(report.quota).toEqual({
      quota: targets.scenarios.quotaEnforcement.quota,
      sent: targets.scenarios.quotaEnforcement.quota + targets.scenarios.quotaEnforcement.extraRequests,
      ok: targets.scenarios.quotaEnforcement.quota,
      limited: targets.scenarios.quotaEnforcement.extraRequests,
      other: 0,
      limitedWithRetryAfter: targets.scenarios.quotaEnforcement.extraRequests,
      withRateLimitHeaders:
        targets.scenarios.quotaEnforcement.quota + targets.scenarios.quotaEnforcement.extraRequests,
      exact: true,
    });
    expect(report.memory?.rssBeforeMiB).toBeGreaterThan(10);
    expect(report.memory?.rssAfterMiB).toBeGreaterThan(10);
    expect(report.memory?.requests).toBeGreaterThan(0);
    // The gateway's own /metrics reports its V8 heap (prom-client default metrics).
    expect(report.memory?.heapUsedBeforeMiB).toBeGreaterThan(1);
    expect(report.memory?.heapUsedAfterMiB).toBeGreaterThan(1);
    // The node binary's code is file-backed; PSS counts shared pages in part, so it is below RSS.
    expect(report.memory?.rssFileAfterMiB).toBeGreaterThan(1);
    expect(report.memory?.pssAfterMiB).toBeGreaterThan(1);
    expect(report.memory?.pssAfterMiB).toBeLessThanOrEqual(report.memory!.rssAfterMiB);

    // ai-streaming: the same streams straight to the llm-mock and through the gateway's /ai/v1.
    expect(report.ai?.rows.map((row) => row.id)).toEqual(['ai-direct', 'ai-gateway']);
    // …and again at the k6 scenario's load, where the gateway is not short of CPU.
    expect(report.ai?.light?.concurrency).toBe(targets.scenarios.aiStreaming.vus);
    expect(report.ai?.light?.rows.map((row) => [row.id, row.errors])).toEqual([
      ['ai-direct', 0],
      ['ai-gateway', 0],
    ]);
    // The noisy-neighbour row: tenant B answered while every one of tenant A's streams was held open.
    expect(report.ai?.noisyNeighbour?.completedWhileHeld).toBe(true);
    // The gateway's CPU while relaying, read from /proc: some, per stream and on average.
    expect(report.ai?.gatewayCpu?.msPerStream).toBeGreaterThan(0);
    expect(report.ai?.gatewayCpu?.coresBusy).toBeGreaterThan(0);
    for (const row of report.ai!.rows) {
      expect(row.streams).toBeGreaterThan(0);
      expect(row.errors).toBe(0);
      // The mock answers "echo: " and the prompt's 40 words: 41 completion tokens, counted from the usage chunk.
      expect(row.meanCompletionTokens).toBe(41);
      expect(row.ttftMs.p50).toBeGreaterThanOrEqual(targets.local.aiMock.firstTokenMs);
      expect(row.ttftMs.p50).toBeLessThanOrEqual(row.ttftMs.p95);
      expect(row.ttftMs.p95).toBeLessThanOrEqual(row.ttftMs.p99);
      expect(row.tokensPerSecond.p50).toBeGreaterThan(0);
    }

    expect(stdout).toMatch(/^row +req\/s +p50 ms +p99 ms +p99\.9 ms +errors +x nginx +x floor +x direct$/m);
    expect(stdout).toMatch(/^nginx proxy +\d+ .* 1\.00 +\d+\.\d\d +\d\.\d\d$/m);
    expect(stdout).toMatch(/^gateway keyed \(WORKERS=2\) vs nginx \(worker_processes 2\): \d\.\d\d$/m);
    expect(stdout).toContain(`report: ${reportPath}`);
  });
});
